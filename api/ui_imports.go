package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/reports"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

func init() {
	addMessages(map[string][2]string{
		"imp.title":     {"数据导入", "Imports"},
		"imp.upload":    {"上传文件", "Upload files"},
		"imp.files":     {"PMS 导出文件（可多选）", "PMS export files (choose several at once)"},
		"imp.limits":    {"每次最多 %d 个文件，合计不超过 %s。文件按与命令行导入相同的规则载入；同一文件再次上传会被跳过。", "At most %d files and %s per upload. Files load by the same rules as the command-line import; a file uploaded again is skipped."},
		"imp.submit":    {"上传并导入", "Upload and load"},
		"imp.off":       {"本服务器启动时未配置证件号密钥，无法上传导入。", "This server was started without the ID-number key: uploads are off."},
		"imp.no_files":  {"请选择至少一个文件。", "Choose at least one file."},
		"imp.too_many":  {"每次最多上传 %d 个文件。", "At most %d files per upload."},
		"imp.no_name":   {"有文件没有文件名。", "A file has no name."},
		"imp.name_long": {"文件名过长（最多 255 字节），请改短后再上传。", "A file name is too long (at most 255 bytes): shorten it and upload again."},
		"imp.name_bad":  {"文件名含有控制字符或不是 UTF-8 文本，请改名后再上传。", "A file name has control characters or is not UTF-8 text: rename it and upload again."},
		"imp.cut_short": {"上传中断或格式不正确，请重新上传。", "The upload was cut short or is not a valid form: upload again."},
		"imp.too_large": {"上传的内容超过上限", "The upload is larger than allowed"},
		"imp.summary":   {"本次导入结果", "This upload"},
		"imp.totals":    {"载入 %d 行，拒收 %d 行，警告 %d 条，失败文件 %d 个。", "Rows loaded: %d; rejected: %d; warnings: %d; files failed: %d."},
		"imp.callbacks": {"新离店生成回访任务 %d 个。", "Callback tasks made for new departures: %d."},
		"imp.latest":    {"最近的导入", "Latest imports"},
		"imp.more":      {"更早的导入", "Older imports"},
		"imp.id":        {"编号", "No."},
		"imp.file":      {"文件", "File"},
		"imp.kind":      {"类型", "Kind"},
		"imp.status":    {"状态", "Status"},
		"imp.rows":      {"读取", "Read"},
		"imp.loaded":    {"载入", "Loaded"},
		"imp.rejected":  {"拒收", "Rejected"},
		"imp.warnings":  {"警告", "Warnings"},
		"imp.message":   {"说明", "Message"},
		"imp.finished":  {"完成时间", "Finished"},
		"imp.details":   {"详情与拒收行", "Details and rejected rows"},
		"imp.rejects":   {"拒收行与警告", "Rejected rows and warnings"},
		"imp.line":      {"行号", "Line"},
		"imp.column":    {"列", "Column"},
		"imp.reason":    {"原因", "Reason"},
		"imp.value":     {"值（已遮蔽）", "Value (masked)"},
		"imp.severity":  {"级别", "Severity"},
		"imp.no_rejects": {"该导入没有保存拒收行：整个文件被拒时只记录原因，请按说明修正后重新上传。",
			"This import kept no rejected rows: when a whole file is refused only the reason is kept; fix the file as it says and upload it again."},
		"imp.more_rejects":     {"更多拒收行", "More rejected rows"},
		"imp.download_rejects": {"下载拒收行，交前台更正：", "Download the rejected rows for the front desk to fix:"},
		"imp.status.loaded":    {"已载入", "loaded"},
		"imp.status.skipped":   {"已跳过（此前已导入）", "skipped (loaded before)"},
		"imp.status.failed":    {"失败", "failed"},
		"imp.kind.roster":      {"员工名册", "roster"},
		"imp.kind.guests":      {"客史档案", "guests"},
		"imp.kind.stays":       {"消费记录", "stays"},
		"imp.kind.feedback":    {"满意度问卷", "feedback"},
		"imp.severity.reject":  {"拒收", "rejected"},
		"imp.severity.warning": {"警告", "warning"},
	})
}

// Page sizes of the imports page.
const (
	importsShown = 50
	rejectsShown = 200
)

// importView is one import of the list, with its texts.
type importView struct {
	warehouse.ImportRecord
	KindText, StatusText, Finished string
	Details                        bool // failed or kept rejects: worth a look
}

// rejectView is one rejected row or dropped value.
type rejectView struct {
	warehouse.RejectRecord
	ReasonText, SeverityText string
}

// fileView is one file of an upload's summary.
type fileView struct {
	load.FileResult
	KindText, StatusText string
	Details              bool
}

// importsPage is GET /ui/imports?before=&import=&offset=: the upload form,
// the latest imports (older ones page by import number), and, with
// ?import=N, that import's rejected rows.
func (s *Server) importsPage(c *gin.Context) { s.renderImports(c, nil, "") }

// uiUpload is POST /ui/imports: the upload form's files, staged by
// uiStageUpload and checked by uiCSRF, loaded through the API's upload
// path, then the page with what happened to each. limitBody caps the whole
// body at Config.UploadLimit, as for the API: a body that says it is too
// large is refused before it is read, one that does not is refused (413)
// where it passes the limit, and nothing loads.
func (s *Server) uiUpload(c *gin.Context) {
	st := stagedOf(c)
	switch {
	case !s.uploadsOn():
		c.Status(http.StatusServiceUnavailable)
		s.renderImports(c, nil, s.tr(c, "imp.off"))
		return
	case st.err != nil:
		s.importsFailed(c, st.err)
		return
	case st.tooLarge:
		c.Status(http.StatusRequestEntityTooLarge)
		s.renderImports(c, nil, s.tr(c, "imp.too_large")+" ("+sizeText(s.cfg.UploadLimit)+")")
		return
	case st.problem == "imp.too_many":
		c.Status(http.StatusBadRequest)
		s.renderImports(c, nil, fmt.Sprintf(s.tr(c, "imp.too_many"), maxUploadFiles))
		return
	case st.problem != "":
		c.Status(http.StatusBadRequest)
		s.renderImports(c, nil, s.tr(c, st.problem))
		return
	case len(st.paths) == 0:
		c.Status(http.StatusBadRequest)
		s.renderImports(c, nil, s.tr(c, "imp.no_files"))
		return
	}
	out, err := s.importUploads(c.Request.Context(), st.paths, st.names, s.auditEntry(c, "", ""), requestID(c))
	if err != nil {
		s.importsFailed(c, err)
		return
	}
	s.renderImports(c, &out, "")
}

func (s *Server) importsFailed(c *gin.Context, err error) {
	s.log.Error("imports page failed", "request_id", requestID(c), "error", err)
	c.Status(http.StatusInternalServerError)
	s.render(c, "error", uiData{"Message": s.tr(c, "error.internal")})
}

// renderImports shows the page: a problem with the form or an upload's
// summary, the import asked for with its rejects, and the latest imports.
func (s *Server) renderImports(c *gin.Context, summary *uploadSummary, problem string) {
	ctx := c.Request.Context()
	lang := uiLang(c)
	data := uiData{"CSS": "imports.css", "Problem": problem, "UploadsOn": s.uploadsOn(),
		"Limits": fmt.Sprintf(translate(lang, "imp.limits"), maxUploadFiles, sizeText(s.cfg.UploadLimit))}
	if summary != nil {
		data["Summary"], data["Files"] = summary, s.fileViews(lang, summary.Files)
	}
	if raw := c.Query("import"); raw != "" {
		found, err := s.importDetails(ctx, lang, raw, c.Query("offset"), data)
		if err != nil {
			s.importsFailed(c, err)
			return
		}
		if !found {
			c.Status(http.StatusNotFound)
			s.render(c, "error", uiData{"Message": translate(lang, "error.notfound")})
			return
		}
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64) // not a number: from the newest
	list, err := s.wh.ImportsPage(ctx, importsShown+1, max(before, 0))
	if err != nil {
		s.importsFailed(c, err)
		return
	}
	if len(list) > importsShown {
		list = list[:importsShown]
		data["More"] = "/ui/imports?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	views := make([]importView, len(list))
	for i, r := range list {
		views[i] = s.importView(lang, r)
	}
	data["Imports"] = views
	s.render(c, "imports", data)
}

// importDetails puts the import numbered raw and the page of its rejects
// from rawOffset into data; false when there is no such import.
func (s *Server) importDetails(ctx context.Context, lang, raw, rawOffset string, data uiData) (bool, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return false, nil
	}
	// The manifest lists newest first: the first import below id+1 is id,
	// if it exists.
	rec, err := s.wh.ImportsPage(ctx, 1, id+1)
	if err != nil || len(rec) == 0 || rec[0].ID != id {
		return false, err
	}
	offset, _ := strconv.Atoi(rawOffset) // not a number: from the first
	offset = max(offset, 0)
	rejects, err := s.wh.Rejects(ctx, warehouse.RejectFilter{ImportID: id, Limit: rejectsShown + 1, Offset: offset})
	if err != nil {
		return false, err
	}
	if len(rejects) > rejectsShown {
		rejects = rejects[:rejectsShown]
		data["MoreRejects"] = fmt.Sprintf("/ui/imports?import=%d&offset=%d#rejects", id, offset+rejectsShown)
	}
	views := make([]rejectView, len(rejects))
	for i, r := range rejects {
		views[i] = rejectView{RejectRecord: r, ReasonText: pickLang(lang)(reports.RejectReasonLabels(r.Reason)),
			SeverityText: textOr(lang, "imp.severity."+r.Severity, r.Severity)}
	}
	data["Import"], data["Rejects"] = s.importView(lang, rec[0]), views
	q := "?import_id=" + strconv.FormatInt(id, 10)
	data["RejectsCSV"], data["RejectsXLSX"] = "/api/v1/exports/rejects.csv"+q, "/api/v1/exports/rejects.xlsx"+q
	return true, nil
}

func (s *Server) importView(lang string, r warehouse.ImportRecord) importView {
	return importView{ImportRecord: r, KindText: textOr(lang, "imp.kind."+r.Kind, r.Kind),
		StatusText: textOr(lang, "imp.status."+r.Status, r.Status),
		Finished:   r.FinishedAt.In(s.loc()).Format(hotelTimeLayout),
		Details:    r.Status == load.StatusFailed || r.Rejected > 0 || r.Warnings > 0}
}

func (s *Server) fileViews(lang string, files []load.FileResult) []fileView {
	views := make([]fileView, len(files))
	for i, f := range files {
		views[i] = fileView{FileResult: f, KindText: textOr(lang, "imp.kind."+f.Kind, f.Kind),
			StatusText: textOr(lang, "imp.status."+f.Status, f.Status),
			Details:    f.ImportID != 0 && (f.Status == load.StatusFailed || f.Rejected > 0 || f.Warnings > 0)}
	}
	return views
}

// textOr is key's text, or fallback when there is none (a code the pages
// have no words for yet shows as itself).
func textOr(lang, key, fallback string) string {
	if t := translate(lang, key); t != key {
		return t
	}
	return fallback
}

// sizeText writes a size in bytes as people read it: 512 MiB, 64 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return formatFloat(float64(n)/(1<<20), 0) + " MiB"
	case n >= 1<<10:
		return formatFloat(float64(n)/(1<<10), 0) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
