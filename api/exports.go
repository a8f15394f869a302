package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/ingest"
	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/reports/export"
	"github.com/revisit-hotel/revisit/warehouse"
)

// exportRoles says who may download each export. Marketing gets the lists
// it invites from; callbacks and their outcomes stay with the service team
// and managers; rejected import rows with the admins who import.
var exportRoles = map[string][]string{
	reports.ExportTargets:   {roles.Marketing, roles.Manager, roles.Admin},
	reports.ExportGuests:    {roles.Marketing, roles.Manager, roles.Admin},
	reports.ExportCallbacks: {roles.Butler, roles.Lead, roles.Manager, roles.Admin},
	reports.ExportKPIs:      {roles.Manager, roles.Admin},
	reports.ExportRejects:   {roles.Admin},
}

// exportTitles are the file names people see, before the date.
var exportTitles = map[string]string{
	reports.ExportTargets:   "回访名单",
	reports.ExportGuests:    "客户",
	reports.ExportCallbacks: "回访任务",
	reports.ExportKPIs:      "指标",
	reports.ExportRejects:   "拒收行",
}

var exportFormats = map[string]struct {
	contentType string
	write       func(context.Context, io.Writer, export.Table, export.Rows) (int, error)
}{
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.WriteXLSX},
	"csv":  {"text/csv; charset=utf-8", export.WriteCSV},
}

// download is GET /api/v1/exports/{report}.{xlsx|csv}: targets, guests,
// callbacks, kpis or rejects, streamed. Mobiles are masked; an admin may
// ask for unmasked=true. Every download is audited before its first byte.
//
//	targets, guests  ?as_of=YYYY-MM-DD (default the latest analysis)
//	callbacks        ?from=&to= (due days, default the last 7 days to today) &status=open|closed|all
//	kpis             the parameters of GET /kpis
//	rejects          ?import_id=N (default every import) &reason=CODE
func (s *Server) download(c *gin.Context) {
	report, format, ok := strings.Cut(c.Param("file"), ".")
	f, known := exportFormats[format]
	if !ok || !known || exportRoles[report] == nil {
		abort(c, http.StatusNotFound, "exports are {targets,guests,callbacks,kpis,rejects}.{xlsx,csv}")
		return
	}
	tok := principal(c)
	if !slices.Contains(exportRoles[report], tok.Role) {
		abort(c, http.StatusForbidden, "the "+tok.Role+" role may not download "+report)
		return
	}
	req := reports.ExportRequest{Report: report, Loc: s.loc(), Currency: s.cfg.Currency, Wide: format == "xlsx"}
	unmasked, err := strconv.ParseBool(c.DefaultQuery("unmasked", "false"))
	if err != nil {
		abort(c, http.StatusBadRequest, "unmasked must be true or false")
		return
	}
	if unmasked {
		if tok.Role != roles.Admin {
			abort(c, http.StatusForbidden, "only an admin may download full mobile numbers")
			return
		}
		req.Unmasked = true
	}
	day, ok := s.exportParams(c, tok, &req)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	name := exportTitles[report] + "_" + day + "." + format
	started := false
	n, err := reports.Export(ctx, s.wh, req, s.auditEntry(c, "", ""), func(t export.Table, rows export.Rows) (int, error) {
		c.Header("Content-Type", f.contentType)
		c.Header("Content-Disposition", contentDisposition(name, "revisit-"+report+"_"+day+"."+format))
		c.Header("Cache-Control", "no-store")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Status(http.StatusOK)
		started = true
		return f.write(ctx, c.Writer, t, rows)
	})
	switch {
	case err == nil:
		s.log.Info("export", "request_id", requestID(c), "report", report, "format", format, "rows", n)
	case !c.Writer.Written():
		// Nothing has left yet (an XLSX is sent only once complete): the
		// caller gets a problem, not a broken file.
		c.Writer.Header().Del("Content-Disposition")
		if started {
			c.Writer.Header().Del("Content-Type")
		}
		s.exportFailed(c, err)
	default:
		// Part of the file has left: cut the connection, so that the client
		// sees a failed download rather than a short file that looks whole.
		s.log.Warn("export cut short", "request_id", requestID(c), "report", report, "error", err)
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) exportFailed(c *gin.Context, err error) {
	switch {
	case errors.Is(err, warehouse.ErrNoAnalysis):
		abort(c, http.StatusNotFound, "no analysis for that day: run the analysis first")
	case errors.Is(err, context.Canceled):
		abort(c, 499, "") // the client went away; nobody reads this
	default:
		s.fail(c, err)
	}
}

// exportParams reads the report's parameters into req and returns the date
// part of the file name.
func (s *Server) exportParams(c *gin.Context, tok warehouse.Principal, req *reports.ExportRequest) (string, bool) {
	switch req.Report {
	case reports.ExportTargets, reports.ExportGuests:
		asOf, ok := s.asOfParam(c)
		if !ok {
			return "", false
		}
		req.AsOf, req.Filter = asOf, "as_of="+asOf.Format(time.DateOnly)
		return asOf.Format(time.DateOnly), true
	case reports.ExportCallbacks:
		return s.callbackExportParams(c, tok, req)
	case reports.ExportKPIs:
		q, ok := s.kpiQuery(c)
		if !ok {
			return "", false
		}
		r, at, err := s.kpis(c.Request.Context(), q)
		if err != nil {
			s.kpiFailed(c, err)
			return "", false
		}
		req.KPIs, req.Filter = &r, kpiFilter(q)
		req.Summary = [][2]string{{"指标计算于 KPIs computed", at.In(s.loc()).Format(time.RFC3339)}}
		return q.From.Format(time.DateOnly) + "_" + q.To.Format(time.DateOnly), true
	case reports.ExportRejects:
		name := s.cfg.Now().In(s.loc()).Format(time.DateOnly)
		if raw := c.Query("import_id"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id <= 0 {
				abort(c, http.StatusBadRequest, "import_id must be an import's number")
				return "", false
			}
			if known, err := s.importExists(c.Request.Context(), id); err != nil {
				s.fail(c, err)
				return "", false
			} else if !known {
				abort(c, http.StatusNotFound, "no import has that number")
				return "", false
			}
			req.Rejects.ImportID, name = id, "import-"+raw
		}
		req.Filter = "import_id=all"
		if req.Rejects.ImportID != 0 {
			req.Filter = "import_id=" + strconv.FormatInt(req.Rejects.ImportID, 10)
		}
		if raw := c.Query("reason"); raw != "" {
			code, err := ingest.ParseRowReason(raw)
			if err != nil { // a misspelt code would answer an empty sheet
				abort(c, http.StatusBadRequest, err.Error())
				return "", false
			}
			req.Rejects.Reason = code
			req.Filter += " reason=" + code
		}
		return name, true
	}
	return "", false
}

// callbackExportParams reads from, to and status, and narrows the tasks to
// the caller's scope.
func (s *Server) callbackExportParams(c *gin.Context, tok warehouse.Principal, req *reports.ExportRequest) (string, bool) {
	loc := s.loc()
	today := civilDay(s.cfg.Now().In(loc))
	from, to, ok := dayRange(c, today.AddDate(0, 0, -6), today, 366)
	if !ok {
		return "", false
	}
	f := warehouse.TaskFilter{Status: c.DefaultQuery("status", "all"),
		DueFrom: time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc),
		DueTo:   time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)}
	switch f.Status {
	case "all":
		f.Status = ""
	case warehouse.TaskOpen, warehouse.TaskClosed:
	default:
		abort(c, http.StatusBadRequest, "status must be open, closed or all")
		return "", false
	}
	scope(tok, &f)
	req.Tasks = f
	span := from.Format(time.DateOnly) + "_" + to.Format(time.DateOnly)
	req.Filter = "due " + span + " status=" + c.DefaultQuery("status", "all")
	if tok.Role == roles.Butler {
		req.Filter += " owner=" + tok.StaffID
	} else if tok.Role == roles.Lead {
		req.Filter += " team=" + tok.StaffID
	}
	return span, true
}

// contentDisposition names a download for every browser (RFC 6266): the
// UTF-8 name in filename* (RFC 8187), and an ASCII fallback for clients
// that read only filename.
func contentDisposition(name, ascii string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if isAttrChar(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

// isAttrChar is RFC 8187's attr-char: what may stand unescaped in filename*.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
