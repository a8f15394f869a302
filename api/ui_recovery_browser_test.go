package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/revisit-hotel/revisit/warehouse"
)

// TestBrowserButlerWorksARecoveryCase: on a phone, the butler finds the
// case under 服务补救, takes it up with a note, then marks it 已补救.
func TestBrowserButlerWorksARecoveryCase(t *testing.T) {
	h := newHotel(t)
	id := h.caseOf(t)
	ts := h.server(t, Config{Now: afternoon})
	ctx := browserCtx(t)
	shots := screenshotDir(t)
	signInBrowser(t, ctx, ts.URL, h.tokens["butler B01"], "/ui/callbacks")
	card := "#case-" + itoa(id)
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#recovery")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"服务补救", "张伟", "客房部", "空调噪音太大"} {
		if !strings.Contains(text, want) {
			t.Errorf("the recovery section does not show %q:\n%s", want, text)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.ScrollIntoView(chromedp.CSS(card)),
		chromedp.SendKeys(chromedp.CSS(card+" textarea"), "已通知客房部"),
		chromedp.Click(chromedp.CSS(card+` button[value=""]`)),
		chromedp.WaitVisible(chromedp.CSS(card+` button[value="recovered"]`)),
	)
	if err != nil {
		t.Fatalf("take the case up: %v", err)
	}
	shoot(t, ctx, shots, "butler-recovery")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(card+" textarea"), "换房并致歉"),
		chromedp.Click(chromedp.CSS(card+` button[value="recovered"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#recovery p.ok`)),
	)
	if err != nil {
		t.Fatalf("resolve the case: %v", err)
	}
	// The first step's flash may still be on screen when the second post
	// leaves: wait for the write itself, a few seconds at most.
	var c warehouse.RecoveryCase
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err = h.w.Case(context.Background(), id)
		if err != nil || c.Status == warehouse.CaseResolved || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || c.Status != warehouse.CaseResolved || c.Outcome != warehouse.OutcomeRecovered {
		t.Errorf("the case after the taps: %+v %v", c, err)
	}
}
