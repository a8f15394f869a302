package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Lists are paginated with page_size and an opaque page_token. A token
// names its list and the parameters it was given for, so a token from one
// list, or from other parameters, is refused rather than misread; what it
// carries beyond that (an offset, the last id seen) is the list's own.

// pageRequest reads page_size (default def, at most max) and the cursor of
// page_token for list under params. On a bad value it has answered 400.
func pageRequest(c *gin.Context, list, params string, def, max int) (size int, cursor string, ok bool) {
	size, ok = queryInt(c, "page_size", def, max)
	if !ok {
		return 0, "", false
	}
	tok := c.Query("page_token")
	if tok == "" {
		return size, "", true
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	parts := strings.SplitN(string(raw), "\x00", 3)
	if err != nil || len(parts) != 3 || parts[0] != list || parts[1] != params || parts[2] == "" {
		abort(c, http.StatusBadRequest, "page_token is not one this list gave for these parameters")
		return 0, "", false
	}
	return size, parts[2], true
}

// nextPageToken is the token of the page after the one ending at cursor.
func nextPageToken(list, params, cursor string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\x00" + params + "\x00" + cursor))
}

// offsetPage is a positional list's page: items were read with one row more
// than size from offset, so a row beyond size means there is a next page,
// whose token it returns ("" on the last page).
func offsetPage[T any](items []T, size int, list, params string, offset int64) ([]T, string) {
	if len(items) <= size {
		return items, ""
	}
	return items[:size], nextPageToken(list, params, strconv.FormatInt(offset+int64(size), 10))
}

// page answers one page of a list: its items and, when more follow, the
// token of the next.
func page[T any](c *gin.Context, items []T, next string) {
	if items == nil {
		items = []T{}
	}
	out := gin.H{"items": items}
	if next != "" {
		out["next_page_token"] = next
	}
	c.JSON(http.StatusOK, out)
}
