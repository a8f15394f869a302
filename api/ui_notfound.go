package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

func init() {
	addMessages(map[string][2]string{
		"error.page_missing": {"没有这个页面。请检查地址，或从首页重新进入。", "There is no such page. Check the address, or start again from the home page."},
	})
}

// notFound answers an address no route knows. A person typing or following
// a stale link to a /ui/ address gets a page in the page's language with a
// way back; everything else (the API, scripts) keeps problem+json.
func (s *Server) notFound(c *gin.Context) {
	if c.Request.URL.Path != "/ui" && !strings.HasPrefix(c.Request.URL.Path, "/ui/") {
		abort(c, http.StatusNotFound, "")
		return
	}
	s.uiHeaders(c)
	c.Status(http.StatusNotFound)
	// Both languages: whoever lands here may not have chosen one yet.
	other := "en"
	if uiLang(c) == "en" {
		other = "zh"
	}
	s.render(c, "error", uiData{"Message": s.tr(c, "error.page_missing"),
		"Other": translate(other, "error.page_missing"), "OtherLang": other})
}
