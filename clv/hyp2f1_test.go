package clv

import (
	"math"
	"testing"
)

// agm is the arithmetic-geometric mean, for the complete elliptic integral
// K(m) = π/(2·agm(1, √(1−m))) = π/2 · 2F1(½, ½; 1; m): an independent check
// where c−a−b is the integer 0 and the connection formula cancels.
func agm(a, b float64) float64 {
	for range 100 {
		a, b = (a+b)/2, math.Sqrt(a*b)
		if math.Abs(a-b) <= 1e-16*a {
			break
		}
	}
	return a
}

func TestHyp2F1KnownValues(t *testing.T) {
	type tc struct {
		name       string
		a, b, c, z float64
		want       float64
		tol        float64 // relative
	}
	var cases []tc
	// 2F1(1, 1; 2; z) = −ln(1−z)/z: c−a−b = 0.
	for _, z := range []float64{-50, -5, -0.5, 0.3, 0.9, 0.95, 0.999, 1 - 1e-6, 1 - 1e-10} {
		cases = append(cases, tc{"log", 1, 1, 2, z, -math.Log1p(-z) / z, 2e-8})
	}
	// 2F1(a, b; b; z) = (1−z)^−a.
	for _, z := range []float64{-3, 0.5, 0.93, 0.9999} {
		cases = append(cases, tc{"power", 0.7, 2.3, 2.3, z, math.Pow(1-z, -0.7), 1e-12})
	}
	// 2F1(½, ½; 3/2; x²) = arcsin(x)/x: c−a−b = ½.
	for _, x := range []float64{0.3, 0.97, 0.99999} {
		cases = append(cases, tc{"arcsin", 0.5, 0.5, 1.5, x * x, math.Asin(x) / x, 1e-12})
	}
	// 2F1(½, 1; 3/2; −x²) = arctan(x)/x (Pfaff), and 2F1(½, 1; 3/2; x²) = artanh(x)/x.
	for _, x := range []float64{0.5, 3, 100} {
		cases = append(cases, tc{"arctan", 0.5, 1, 1.5, -x * x, math.Atan(x) / x, 1e-12})
	}
	for _, x := range []float64{0.5, 0.97, 0.9999} {
		cases = append(cases, tc{"artanh", 0.5, 1, 1.5, x * x, math.Atanh(x) / x, 1e-8})
	}
	// 2F1(a, 1−a; 3/2; sin²x) = sin((2a−1)x)/((2a−1)·sin x).
	for _, x := range []float64{0.4, 1.4, 1.5707} {
		s := math.Sin(x)
		cases = append(cases, tc{"sine", 0.3, 0.7, 1.5, s * s, math.Sin(-0.4*x) / (-0.4 * s), 1e-12})
	}
	// K(m) against the AGM.
	for _, m := range []float64{0.5, 0.9, 0.99, 0.999999, 1 - 1e-9} {
		k := math.Pi / (2 * agm(1, math.Sqrt(1-m)))
		cases = append(cases, tc{"elliptic K", 0.5, 0.5, 1, m, 2 * k / math.Pi, 2e-7})
	}
	// Gauss's sum at z = 1.
	g := func(x float64) float64 { return math.Gamma(x) }
	cases = append(cases, tc{"Gauss", 0.3, 0.4, 2.1, 1, g(2.1) * g(1.4) / (g(1.8) * g(1.7)), 1e-13})
	// A polynomial: a = −3.
	poly := func(z float64) float64 {
		return 1 + (-3.0*2/5)*z + (-3.0*-2*2*3/(5*6*2))*z*z + (-3.0*-2*-1*2*3*4/(5*6*7*6))*z*z*z
	}
	for _, z := range []float64{-7, 0.5, 0.99} {
		cases = append(cases, tc{"polynomial", -3, 2, 5, z, poly(z), 1e-13})
	}
	// c−a−b negative: Euler's 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z),
	// the right side summed directly with a generous budget.
	for _, z := range []float64{0.95, 0.995} {
		right, ok := hypSeries(-0.4, -1.1, 1.1, z, 10_000_000)
		if !ok {
			t.Fatalf("reference series at %g did not converge", z)
		}
		cases = append(cases, tc{"Euler", 1.5, 2.2, 1.1, z, math.Pow(1-z, -2.6) * right, 1e-10})
	}
	for _, c := range cases {
		got := hyp2f1(c.a, c.b, c.c, c.z)
		err := math.Abs(got/c.want - 1)
		if testing.Verbose() {
			t.Logf("%-10s z=%-12g rel err %.1e", c.name, c.z, err)
		}
		if !(err <= c.tol) {
			t.Errorf("%s: 2F1(%g, %g; %g; %g) = %.16g, want %.16g (relative error %.2g > %.2g)",
				c.name, c.a, c.b, c.c, c.z, got, c.want, err, c.tol)
		}
	}
}

func TestHyp2F1Undefined(t *testing.T) {
	for _, c := range [][4]float64{
		{1, 1, 2, 1.5},        // z > 1
		{1, 1, 2, 1},          // diverges at z = 1 (c−a−b = 0)
		{1, 1, -2, 0.5},       // c a pole
		{-3, 1, -2, 0.5},      // the pole before the polynomial ends
		{math.NaN(), 1, 2, 0}, // NaN in
	} {
		if got := hyp2f1(c[0], c[1], c[2], c[3]); !math.IsNaN(got) {
			t.Errorf("2F1%v = %v, want NaN", c, got)
		}
	}
	// A polynomial ending before c's pole is defined.
	if got := hyp2f1(-1, 1, -2, 0.5); got != 1+0.5*(-1.0)/(-2) {
		t.Errorf("2F1(−1, 1; −2; ½) = %v, want 1.25", got)
	}
}

func TestDigamma(t *testing.T) {
	const euler = 0.57721566490153286061
	for _, c := range []struct{ x, want float64 }{
		{1, -euler},
		{0.5, -euler - 2*math.Ln2},
		{2, 1 - euler},
		{1e-8, -1e8 - euler + 1.6449340668482264e-8},
		{100, 4.600161852738087},
	} {
		if got := digamma(c.x); math.Abs(got-c.want) > 1e-14*math.Max(1, math.Abs(c.want)) {
			t.Errorf("ψ(%g) = %.17g, want %.17g", c.x, got, c.want)
		}
	}
	// ψ(x) = d lnΓ/dx, checked by central differences.
	for _, x := range []float64{0.3, 3.7, 12.5, 1234.5} {
		h := 1e-5 * x
		fd := (lgamma(x+h) - lgamma(x-h)) / (2 * h)
		if got := digamma(x); math.Abs(got-fd) > 1e-7*math.Max(1, math.Abs(got)) {
			t.Errorf("ψ(%g) = %v, finite difference %v", x, got, fd)
		}
	}
}
