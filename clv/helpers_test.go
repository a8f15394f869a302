package clv

import "testing"

// mustPAlive is m.PAlive(c), failing the test on an error.
func mustPAlive(t testing.TB, m TransactionModel, c Customer) float64 {
	t.Helper()
	p, err := m.PAlive(c)
	if err != nil {
		t.Fatalf("%s: P(alive | %+v): %v", m.Name(), c, err)
	}
	return p
}

// mustExpected is m.ExpectedTransactions(c, h), failing the test on an error.
func mustExpected(t testing.TB, m TransactionModel, c Customer, h float64) float64 {
	t.Helper()
	e, err := m.ExpectedTransactions(c, h)
	if err != nil {
		t.Fatalf("%s: E[Y(%g) | %+v]: %v", m.Name(), h, c, err)
	}
	return e
}

// newCustomerModel is what ExpectedForNewCustomer needs.
type newCustomerModel interface {
	ExpectedForNewCustomer(t float64) (float64, error)
}

// mustNew is m.ExpectedForNewCustomer(h), failing the test on an error.
func mustNew(t testing.TB, m newCustomerModel, h float64) float64 {
	t.Helper()
	e, err := m.ExpectedForNewCustomer(h)
	if err != nil {
		t.Fatalf("E[X(%g)]: %v", h, err)
	}
	return e
}

// mustSpend is g.ExpectedSpend(x, mean), failing the test on an error.
func mustSpend(t testing.TB, g GammaGamma, x, mean float64) float64 {
	t.Helper()
	v, err := g.ExpectedSpend(x, mean)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
