package export

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"time"
)

// valueType is the shape of a value after normalisation.
type valueType uint8

const (
	vEmpty valueType = iota
	vString
	vInt
	vFloat
	vTime
)

// value is one cell's value, reduced to the few shapes the writers format, so
// that each writer switches over five cases instead of every Go type.
type value struct {
	typ valueType
	s   string
	i   int64
	f   float64
	t   time.Time
}

// float returns a numeric value as float64.
func (v value) float() float64 {
	if v.typ == vInt {
		return float64(v.i)
	}
	return v.f
}

// rowReader turns rows of any into values checked against the columns. It
// keeps one slice and reuses it for every row.
type rowReader struct {
	cols []Column
	vals []value
	n    int // rows read, for error messages
}

func newRowReader(cols []Column) *rowReader {
	return &rowReader{cols: cols, vals: make([]value, len(cols))}
}

// read normalises row and checks each value against its column's kind. The
// returned slice is overwritten by the next call.
func (r *rowReader) read(row []any) ([]value, error) {
	r.n++
	if len(row) != len(r.cols) {
		return nil, fmt.Errorf("export: row %d has %d values, want %d", r.n, len(row), len(r.cols))
	}
	for i, x := range row {
		v, err := normalize(x, 0)
		if err == nil {
			err = accepts(r.cols[i].Kind, v)
		}
		if err != nil {
			return nil, fmt.Errorf("export: row %d, column %q: %w", r.n, r.cols[i].Key, err)
		}
		r.vals[i] = v
	}
	return r.vals, nil
}

// accepts reports whether a column of kind k may hold v. Numbers of any Go
// type fit every numeric kind; a string in a numeric column, or a number in
// a text column, means the row does not line up with the columns.
func accepts(k ColumnKind, v value) error {
	ok := true
	switch v.typ {
	case vString:
		ok = k == Text || k == Mobile
	case vInt, vFloat:
		ok = k == Integer || k == Decimal || k == Money || k == Percent || k == Probability || k == Rate
	case vTime:
		ok = k == Date || k == DateTime
	}
	if !ok {
		return fmt.Errorf("a %s value does not fit a %s column", v.typ, k)
	}
	return nil
}

func (t valueType) String() string {
	switch t {
	case vString:
		return "string"
	case vInt:
		return "integer"
	case vFloat:
		return "float"
	case vTime:
		return "time"
	}
	return "empty"
}

// normalize reduces x to a value. The common types are switched on directly;
// the rest (pointers, named types, Valuers) go through reflection.
func normalize(x any, depth int) (value, error) {
	if depth > 3 { // **T is fine; a Valuer returning itself is not
		return value{}, fmt.Errorf("value %T nests too deeply", x)
	}
	switch x := x.(type) {
	case nil:
		return value{}, nil
	case string:
		return value{typ: vString, s: x}, nil
	case int:
		return value{typ: vInt, i: int64(x)}, nil
	case int64:
		return value{typ: vInt, i: x}, nil
	case int32:
		return value{typ: vInt, i: int64(x)}, nil
	case float64:
		return floatValue(x), nil
	case float32:
		return floatValue(float64(x)), nil
	case time.Time:
		return timeValue(x), nil
	case []byte:
		return value{typ: vString, s: string(x)}, nil
	// Nullable columns scanned into pointers, without reflection.
	case *string:
		if x == nil {
			return value{}, nil
		}
		return value{typ: vString, s: *x}, nil
	case *int64:
		if x == nil {
			return value{}, nil
		}
		return value{typ: vInt, i: *x}, nil
	case *float64:
		if x == nil {
			return value{}, nil
		}
		return floatValue(*x), nil
	case *time.Time:
		if x == nil {
			return value{}, nil
		}
		return timeValue(*x), nil
	case driver.Valuer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return value{}, nil
		}
		dv, err := x.Value()
		if err != nil {
			return value{}, fmt.Errorf("reading %T: %w", x, err)
		}
		return normalize(dv, depth+1)
	}
	return normalizeReflect(x, depth)
}

// normalizeReflect handles pointers and types defined on the basic kinds.
func normalizeReflect(x any, depth int) (value, error) {
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return value{}, nil
		}
		return normalize(rv.Elem().Interface(), depth+1)
	case reflect.String:
		return value{typ: vString, s: rv.String()}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return value{typ: vInt, i: rv.Int()}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return floatValue(float64(u)), nil
		}
		return value{typ: vInt, i: int64(u)}, nil
	case reflect.Float32, reflect.Float64:
		return floatValue(rv.Float()), nil
	case reflect.Struct: // a type defined on time.Time
		if timeType := reflect.TypeFor[time.Time](); rv.Type().ConvertibleTo(timeType) {
			return timeValue(rv.Convert(timeType).Interface().(time.Time)), nil
		}
	}
	return value{}, fmt.Errorf("unsupported value type %T", x)
}

// floatValue makes NaN and ±Inf empty: a model that did not converge leaves
// NaN, and a person should see a blank cell, not "NaN" or an Excel error.
func floatValue(f float64) value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return value{}
	}
	return value{typ: vFloat, f: f}
}

// timeValue makes the zero time empty: it means "never", not 0001-01-01.
func timeValue(t time.Time) value {
	if t.IsZero() {
		return value{}
	}
	return value{typ: vTime, t: t}
}
