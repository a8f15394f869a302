package whtest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ResidentID completes 17 digits with their GB 11643 check character.
func ResidentID(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}

// Two valid resident ID numbers of the fixture hotel.
var (
	IDB = ResidentID("11010519491231002")
	IDD = ResidentID("44030419851010123")
)

// HotelFiles writes a small hotel whose files exercise every reason code. Guests A–B share a
// mobile, B–C an ID number: one person behind three profiles.
func HotelFiles(t testing.TB) (dir string, files map[string]string) {
	dir = t.TempDir()
	files = map[string]string{
		"roster.csv": strings.Join([]string{
			"员工号,姓名,组别,主管",
			"B001,方俭俭,大堂管家,B001",
			"B002,李晓莉,大堂管家,方俭俭",
			"B020,范志伟,客服管家,B020",
		}, "\r\n"),
		"guests.csv": strings.Join([]string{
			"客户编号,姓名,手机,证件号码,会员卡号,会员等级,建档日期,营销许可",
			"GA,张伟,13812345678,,M100,金卡,2024-01-05,是",
			"GB,张伟,+86 138 1234 5678," + IDB + ",,,2025-03-01,是",
			"GC,张先生,13900001111," + IDB + ",,,2025-06-01,否",
			"GD,李娜,139-0000-2222," + IDD + ",,银卡,2023-02-01,是",
			",无编号,13900003333,,,,2025-01-01,是",               // MISSING_KEY
			"GE,王芳,1381234,11010519491231009,,,2025-01-01,是", // INVALID_MOBILE + INVALID_ID_NUMBER warnings
		}, "\r\n"),
		"stays.csv": strings.Join([]string{
			"单号,客户编号,手机,消费场所,到店时间,离店时间,消费金额,房号,管家",
			"S1,GA,,客房,2026-11-20 15:00,2026-11-22 11:00,\"1,280.00\",1208,B001",
			"S2,,13900001111,中餐厅,2026/11/21 18:00,2026/11/21 20:00,¥368,,李晓莉",
			"S3,,,客房,2026-11-20 15:00,2026-11-21 11:00,100,,B001",              // MISSING_KEY
			"S4,GA,,客房,2026-13-01 15:00,2026-11-21 11:00,100,,B001",            // BAD_DATE
			"S5,GA,,客房,2026-11-22 10:00,2026-11-20 10:00,100,,B001",            // IMPOSSIBLE_DATES
			"S6,GX,,客房,2026-11-20 15:00,2026-11-21 11:00,100,,B001",            // UNKNOWN_GUEST
			"S7,GA,,客房,2026-11-20 15:00,2026-11-21 11:00,abc,,B001",            // BAD_AMOUNT
			"S1,GA,,客房,2026-11-20 15:00,2026-11-22 11:00,999,1208,B001",        // DUPLICATE_IN_FILE
			"S8,GD,1381234,宴会厅,2026年11月21日 11:00,2026年11月21日 14:00,8800,,B001", // INVALID_MOBILE warning
			"S9,GD,,会议室,2026-11-19,2026-11-20,5000,,nobody",                    // UNKNOWN_BUTLER warning
		}, "\r\n"),
		"feedback.csv": strings.Join([]string{
			"表单号,单号,客户编号,房号,日期,总体满意度,推荐意愿,意见建议,投诉",
			"F1,S1,,,,5,10,很好,否",
			"F2,,GC,,,4,8,,否",
			"F3,,,1208,2026-11-21,2,3,太吵了,是",
			"F4,S1,,,,7,,,",   // SCORE_OUT_OF_RANGE
			"F5,SXX,,,,3,,,",  // UNKNOWN_STAY
			"F6,,,,,3,,,",     // MISSING_KEY
			"F7,,GX,,,3,,,",   // UNKNOWN_GUEST
			"F8,S2,,,,4,11,,", // SCORE_OUT_OF_RANGE
		}, "\r\n"),
	}
	for name, body := range files {
		files[name] = WriteFile(t, dir, name, []byte(body+"\r\n"))
	}
	return dir, files
}

// WriteBigStays writes guests and n stays that all name them.
func WriteBigStays(t testing.TB, dir string, n int) (guests, stays string) {
	t.Helper()
	guests = writeBuffered(t, filepath.Join(dir, "guests.csv"), func(bw *bufio.Writer) {
		fmt.Fprint(bw, "guest_id,name,mobile\n")
		for i := range 1000 {
			fmt.Fprintf(bw, "G%04d,Guest %d,+86139%08d\n", i, i, i)
		}
	})
	base := time.Date(2024, 1, 1, 14, 0, 0, 0, Shanghai)
	stays = writeBuffered(t, filepath.Join(dir, "stays.csv"), func(bw *bufio.Writer) {
		fmt.Fprint(bw, "stay_id,guest_id,outlet,arrival,departure,spend,room\n")
		for i := range n {
			a := base.Add(time.Duration(i%500000) * time.Minute)
			fmt.Fprintf(bw, "S%07d,G%04d,客房,%s,%s,%d.00,%d\n", i, i%1000,
				a.Format("2006-01-02 15:04:05"), a.Add(22*time.Hour).Format("2006-01-02 15:04:05"), 300+i%900, 1000+i%300)
		}
	})
	return guests, stays
}

// writeBuffered writes a file through a buffer and checks that all of it
// reached the disk: a bufio.Writer keeps its first error for Flush.
func writeBuffered(t testing.TB, path string, write func(*bufio.Writer)) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	write(bw)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
