// dt-sql-parser's ES modules import folders (dist/parser) and files without
// their .js, as bundlers allow and Node does not: this resolve hook maps a
// relative folder import to its index.js and an extensionless file to .js.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL) {
    const url = new URL(specifier, context.parentURL);
    const path = fileURLToPath(url);
    if (existsSync(path) && statSync(path).isDirectory()) {
      return next(new URL('index.js', url.href + '/').href, context);
    }
    if (!existsSync(path) && existsSync(path + '.js')) {
      return next(url.href + '.js', context);
    }
  }
  return next(specifier, context);
}
