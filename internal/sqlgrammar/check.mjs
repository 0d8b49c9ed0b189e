// Parses SQL files with a maintained parser of each one's dialect and
// prints one JSON line per file: {"file", "dialect", "parser", "errors":
// [{"line", "column", "message"}]}. Arguments are dialect=path pairs.
//
//   node check.mjs spark=../../testdata/dialects/spark.sql ...
//
// Parsers (versions pinned in package-lock.json):
//   spark, trino: dt-sql-parser's ANTLR4 grammars (SparkSQL, TrinoSQL),
//     derived from the engines' own grammar files (Spark's SqlBaseParser.g4,
//     Trino's SqlBase.g4). PostgreSQL is not checked here: the tests run its
//     SQL on a real server (and dt-sql-parser's PostgreSQL grammar rejects
//     DOUBLE PRECISION in a cast).
//   bigquery, snowflake: datafusion-sqlparser-rs (Apache DataFusion's SQL
//     parser, compiled to WebAssembly by @guanmingchiu/sqlparser-ts) with
//     its BigQuery and Snowflake dialects: a hand-written recursive-descent
//     parser, not the warehouses' own grammars.
import { register } from 'node:module';
import { readFileSync } from 'node:fs';

register('./resolve.mjs', import.meta.url);
const dt = await import('dt-sql-parser');
const rs = await import('@guanmingchiu/sqlparser-ts');
await rs.init();

const antlr = (Parser, name) => ({
  parser: `dt-sql-parser ${name}`,
  check(sql) {
    return new Parser().validate(sql).map((e) => ({ line: e.startLine, column: e.startColumn, message: e.message }));
  },
});
const sqlparserRs = (dialect) => ({
  parser: `datafusion-sqlparser-rs ${dialect}`,
  check(sql) {
    try {
      rs.validate(sql, dialect);
      return [];
    } catch (e) {
      const message = String(e && e.message ? e.message : e);
      const at = /Line: (\d+), Column: (\d+)/.exec(message);
      return [{ line: at ? Number(at[1]) : 0, column: at ? Number(at[2]) : 0, message }];
    }
  },
});
const parsers = {
  spark: antlr(dt.SparkSQL, 'SparkSQL'),
  trino: antlr(dt.TrinoSQL, 'TrinoSQL'),
  bigquery: sqlparserRs('bigquery'),
  snowflake: sqlparserRs('snowflake'),
};

let failed = false;
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  const dialect = arg.slice(0, eq);
  const file = arg.slice(eq + 1);
  const p = parsers[dialect];
  if (!p) {
    console.error(`no parser for dialect ${JSON.stringify(dialect)}; have ${Object.keys(parsers).join(', ')}`);
    failed = true;
    continue;
  }
  const errors = p.check(readFileSync(file, 'utf8'));
  console.log(JSON.stringify({ file, dialect, parser: p.parser, errors }));
}
process.exit(failed ? 2 : 0);
