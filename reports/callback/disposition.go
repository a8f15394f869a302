package callback

import "fmt"

// Disposition is how one call attempt ended. The codes are a contract: the
// command line, the API and the event log use them.
type Disposition string

// The fixed dispositions.
const (
	ReachedSatisfied Disposition = "reached_satisfied"
	ReachedIssue     Disposition = "reached_issue"
	NoAnswer         Disposition = "no_answer"
	Busy             Disposition = "busy"
	WrongNumber      Disposition = "wrong_number"
	Declined         Disposition = "declined"
	CallBackLater    Disposition = "call_back_later"
	DoNotCall        Disposition = "do_not_call"
)

// dispositionInfo is what the rules and people need to know of a code.
type dispositionInfo struct {
	zh, en  string
	reached bool // the guest was spoken to
	final   bool // the task closes with this attempt
	retry   bool // try again after the retry gap, up to the attempt limit
}

var dispositions = map[Disposition]dispositionInfo{
	ReachedSatisfied: {"已接通-满意", "reached, satisfied", true, true, false},
	ReachedIssue:     {"已接通-有问题", "reached, issue raised", true, true, false},
	NoAnswer:         {"无人接听", "no answer", false, false, true},
	Busy:             {"占线", "busy", false, false, true},
	WrongNumber:      {"号码错误", "wrong number", false, true, false},
	Declined:         {"拒绝回访", "declined", true, true, false},
	CallBackLater:    {"约定稍后回电", "call back later", true, false, false},
	DoNotCall:        {"要求勿再来电", "do not call", true, true, false},
}

// Dispositions lists every code in a fixed order, for help texts and pages.
func Dispositions() []Disposition {
	return []Disposition{ReachedSatisfied, ReachedIssue, NoAnswer, Busy, WrongNumber, Declined, CallBackLater, DoNotCall}
}

// ParseDisposition checks a code given by a person or a program.
func ParseDisposition(s string) (Disposition, error) {
	d := Disposition(s)
	if _, ok := dispositions[d]; !ok {
		return "", fmt.Errorf("unknown disposition %q: use one of %v", s, Dispositions())
	}
	return d, nil
}

// Labels returns the disposition's Chinese and English labels.
func (d Disposition) Labels() (zh, en string) {
	i := dispositions[d]
	return i.zh, i.en
}

// Reached says whether the guest was spoken to.
func (d Disposition) Reached() bool { return dispositions[d].reached }

// Final says whether the attempt closes the task.
func (d Disposition) Final() bool { return dispositions[d].final }

// Retry says whether the task is tried again after the retry gap.
func (d Disposition) Retry() bool { return dispositions[d].retry }
