// Package errs keeps a function's errors when it closes things on the way
// out, so no Close error is discarded.
package errs

import "io"

// Close closes c and, when *err holds no error yet, stores Close's error
// there. Use it with a named result:
//
//	func f() (err error) {
//		eng, err := open()
//		if err != nil {
//			return err
//		}
//		defer errs.Close(eng, &err)
//		...
//	}
func Close(c io.Closer, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

// Do runs f (a deferred clean-up such as removing a temporary folder) and,
// when *err holds no error yet, stores f's error there.
func Do(f func() error, err *error) {
	if ferr := f(); ferr != nil && *err == nil {
		*err = ferr
	}
}
