package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QR codes for sign-in links, drawn here as a PNG (a data: address, which
// the pages' Content Security Policy allows): black modules of qrScale
// pixels on white, with the four-module quiet zone a phone's camera needs.
const (
	qrScale = 6
	qrQuiet = 4
)

// bitmapWriter keeps the code's modules (the library's Writer interface).
type bitmapWriter struct{ bits [][]bool }

func (w *bitmapWriter) Write(m qrcode.Matrix) error { w.bits = m.Bitmap(); return nil }
func (w *bitmapWriter) Close() error                { return nil }

// qrPNG encodes text as a QR code at medium error correction.
func qrPNG(text string) ([]byte, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("qr: encode: %w", err)
	}
	var w bitmapWriter
	if err := q.Save(&w); err != nil {
		return nil, fmt.Errorf("qr: draw: %w", err)
	}
	n := len(w.bits)
	side := (n + 2*qrQuiet) * qrScale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y, row := range w.bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+qrQuiet)*qrScale, (y+qrQuiet)*qrScale
			for dy := range qrScale {
				for dx := range qrScale {
					img.SetColorIndex(x0+dx, y0+dy, 1)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: png: %w", err)
	}
	return buf.Bytes(), nil
}

// qrDataURL is the QR code of text as an <img> address.
func qrDataURL(text string) (template.URL, error) {
	b, err := qrPNG(text)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b)), nil
}
