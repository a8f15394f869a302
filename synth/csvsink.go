package synth

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// sink writes one table to one file.
type sink interface {
	header(labels []string) error
	row(rec []val, cols []int) error
	close() error
}

// Encodings, as FileInfo names them.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encGB18030 = "gb18030"
	encXLSX    = "xlsx"
)

// csvSink writes RFC 4180 CSV in UTF-8 (with or without BOM) or GB18030,
// with CRLF line ends when it imitates Windows Excel.
type csvSink struct {
	file *os.File
	bw   *bufio.Writer
	enc  *transform.Writer
	out  io.Writer
	crlf bool
	st   valueStyle
	line []byte
	cell []byte
}

func newCSVSink(path, encoding string, crlf bool, st valueStyle) (*csvSink, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	c := &csvSink{file: f, bw: bufio.NewWriterSize(f, 256<<10), crlf: crlf, st: st}
	c.out = c.bw
	switch encoding {
	case encUTF8BOM:
		_, _ = c.bw.WriteString("\ufeff")
	case encGB18030:
		c.enc = transform.NewWriter(c.bw, simplifiedchinese.GB18030.NewEncoder())
		c.out = c.enc
	}
	return c, nil
}

func (c *csvSink) header(labels []string) error {
	c.line = c.line[:0]
	for i, l := range labels {
		if i > 0 {
			c.line = append(c.line, ',')
		}
		c.line = appendField(c.line, []byte(l))
	}
	return c.endLine()
}

func (c *csvSink) row(rec []val, cols []int) error {
	c.line = c.line[:0]
	for i, ci := range cols {
		if i > 0 {
			c.line = append(c.line, ',')
		}
		c.cell = appendVal(c.cell[:0], rec[ci], &c.st)
		c.line = appendField(c.line, c.cell)
	}
	return c.endLine()
}

func (c *csvSink) endLine() error {
	if c.crlf {
		c.line = append(c.line, '\r')
	}
	c.line = append(c.line, '\n')
	_, err := c.out.Write(c.line)
	return err
}

func (c *csvSink) close() error {
	var err error
	if c.enc != nil {
		err = c.enc.Close()
	}
	if e := c.bw.Flush(); err == nil {
		err = e
	}
	if e := c.file.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", c.file.Name(), err)
	}
	return nil
}

// appendField quotes a field that holds a comma, a quote or a line break.
func appendField(b, field []byte) []byte {
	quote := false
	for _, ch := range field {
		if ch == ',' || ch == '"' || ch == '\n' || ch == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, field...)
	}
	b = append(b, '"')
	for _, ch := range field {
		if ch == '"' {
			b = append(b, '"')
		}
		b = append(b, ch)
	}
	return append(b, '"')
}
