package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ManifestName is the file in OutDir that holds the Summary as JSON.
const ManifestName = "manifest.json"

// Generate writes a hotel into cfg.OutDir and returns, and writes to
// OutDir/manifest.json, the truth about it. The same Config always gives
// byte-identical files.
func Generate(ctx context.Context, cfg Config) (Summary, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("synth: create output directory: %w", err)
	}
	g := newGenerator(cfg)
	var sum Summary
	if cfg.Clean {
		sum, err = g.writeClean(ctx)
	} else {
		sum, err = g.writeMessy(ctx)
	}
	if err != nil {
		return Summary{}, err
	}
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return Summary{}, fmt.Errorf("synth: encode manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(cfg.OutDir, ManifestName), append(data, '\n'), 0o644); err != nil {
		return Summary{}, fmt.Errorf("synth: write manifest: %w", err)
	}
	return sum, nil
}
