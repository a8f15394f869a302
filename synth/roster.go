package synth

import (
	"fmt"
	"math/rand/v2"
)

// team is one of the seven butler groups of the hotel plan.
type team uint8

const (
	teamLobby    team = iota // 大堂管家: arrival, check-out, farewell
	teamRooms                // 房务管家: the room and its "life traces"
	teamMeetings             // 会议管家: meetings and events
	teamDining               // 餐饮管家: restaurants, banquets
	teamService              // 客服管家: the service centre and callbacks
	teamAccounts             // 客户账务管家: guest accounts
	teamSecurity             // 安保管家: parking and vehicles
	numTeams
)

var teamNames = [numTeams]string{"大堂管家", "房务管家", "会议管家", "餐饮管家", "客服管家", "客户账务管家", "安保管家"}

// teamMembers lists each team lead first, as the plan does. A trailing "*"
// marks a registered butler (注册管家). The plan names six of the seven
// customer-service butlers and only counts the two on-duty security
// supervisors; 许晓彤, 王建军 and 赵德胜 stand in for them.
var teamMembers = [numTeams][]string{
	{"方俭俭*", "李晓莉*", "李菲菲"},
	{"李云敏*", "苏青青", "胡亚茹", "席晓利"},
	{"刘晓伊", "赵梦雅", "程俊晓"},
	{"宋雅婷*", "靳娟娟", "候福利", "马丽丽", "张静静"},
	{"范志伟", "李伟香", "郭笑颜", "任盈盈", "任健东", "凌冰倩", "许晓彤"},
	{"李冰洁"},
	{"秦治国", "王建军", "赵德胜"},
}

// butler is one member of the roster.
type butler struct {
	id    string // B001…
	name  string
	team  team
	lead  int // index of the team lead in the roster (itself for a lead)
	role  string
	phone phone
}

// newRoster builds the 26 butlers with staff ids in team order.
func newRoster(r *rand.Rand, perm permutation) []butler {
	var roster []butler
	for t := range numTeams {
		lead := len(roster)
		for i, raw := range teamMembers[t] {
			name, registered := raw, false
			if n := len(raw); raw[n-1] == '*' {
				name, registered = raw[:n-1], true
			}
			role := "管家"
			switch {
			case i == 0:
				role = "负责人"
			case t == teamSecurity:
				role = "当班安保主管"
			case registered:
				role = "注册管家"
			}
			k := len(roster)
			roster = append(roster, butler{
				id:    fmt.Sprintf("B%03d", k+1),
				name:  name,
				team:  t,
				lead:  lead,
				role:  role,
				phone: cnMobile(r, perm, phoneSpaceStaff+uint64(k)),
			})
		}
	}
	return roster
}

// membersOf groups roster indices by team.
func membersOf(roster []butler) [numTeams][]int8 {
	var by [numTeams][]int8
	for i, b := range roster {
		by[b.team] = append(by[b.team], int8(i))
	}
	return by
}
