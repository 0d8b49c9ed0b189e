// Package types is the small type system of Caliper expressions: column
// types, plus the special Null and Invalid types used while checking.
package types

// Type is an expression's type.
type Type int

// The types. Invalid marks an expression that already produced an error,
// so one mistake does not cascade into more diagnostics.
const (
	Invalid Type = iota
	String
	Int
	Float
	Bool
	Timestamp
	Date
	Null
	// Numeric is used only in signatures: Int or Float.
	Numeric
	// Any is used only in signatures: any type.
	Any
)

var names = map[Type]string{
	Invalid: "invalid", String: "string", Int: "int", Float: "float", Bool: "bool",
	Timestamp: "timestamp", Date: "date", Null: "null", Numeric: "number", Any: "any",
}

func (t Type) String() string { return names[t] }

// ColumnTypes are the types a source column may declare, by name.
var ColumnTypes = map[string]Type{
	"string": String, "int": Int, "float": Float, "bool": Bool, "timestamp": Timestamp, "date": Date,
}

// ColumnTypeNames lists the column type names in documentation order.
var ColumnTypeNames = []string{"string", "int", "float", "bool", "timestamp", "date"}

// IsNumeric reports whether t is int or float.
func (t Type) IsNumeric() bool { return t == Int || t == Float }

// IsTemporal reports whether t is a timestamp or a date.
func (t Type) IsTemporal() bool { return t == Timestamp || t == Date }

// Accepts reports whether a signature parameter type p accepts an argument
// of type a (Null is accepted everywhere; Invalid too, to avoid cascades).
func (p Type) Accepts(a Type) bool {
	if a == Invalid || a == Null || p == Any || p == a {
		return true
	}
	if p == Numeric {
		return a.IsNumeric()
	}
	if p == Float && a == Int {
		return true
	}
	if p == Timestamp && a == Date {
		return true
	}
	return false
}

// Comparable reports whether values of a and b may be compared with == or <.
func Comparable(a, b Type) bool {
	if a == Invalid || b == Invalid || a == Null || b == Null {
		return true
	}
	if a.IsNumeric() && b.IsNumeric() {
		return true
	}
	if a.IsTemporal() && (b.IsTemporal() || b == String) || b.IsTemporal() && a == String {
		return true // ts >= "2026-10-01"
	}
	return a == b
}

// Unify is the common type of two numeric operands (float wins).
func Unify(a, b Type) Type {
	if a == Invalid || b == Invalid {
		return Invalid
	}
	if a == Float || b == Float {
		return Float
	}
	if a == Null {
		return b
	}
	if b == Null {
		return a
	}
	return Int
}
