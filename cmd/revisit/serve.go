package main

import (
	"context"
	"log/slog"
	"strings"

	"revisit/api"
	"revisit/warehouse"
)

func runServe(ctx context.Context, e *env, args []string) error {
	var c config
	var cfg api.Config
	var proxies string
	fs := newFlagSet(e, "serve", "serve [--db PATH] [--addr :8080]",
		`Serves the API under /api/v1 (bearer tokens from 'revisit token create'),
/livez, /readyz and /metrics; api/openapi.yaml describes every route.
Uploads (POST /api/v1/imports) load by the rules of 'revisit ingest', so
the ingest flags apply here too. The process owns the warehouse while it runs; SIGTERM
or Ctrl-C stops taking requests, lets those in flight finish, and closes
the warehouse cleanly.`)
	warehouseFlags(fs, e, &c)
	ingestFlags(fs, e, &c)
	fs.Int64Var(&cfg.UploadLimit, "upload-limit", 512<<20, "largest POST /api/v1/imports body, in bytes")
	fs.StringVar(&cfg.Addr, "addr", envOr(e, "REVISIT_ADDR", ":8080"), "listen address (env REVISIT_ADDR)")
	fs.StringVar(&proxies, "trusted-proxies", envOr(e, "REVISIT_TRUSTED_PROXIES", ""), "comma-separated proxy addresses whose X-Forwarded-For is believed (default none)")
	fs.IntVar(&cfg.RatePerMinute, "rate", 600, "requests a minute per token")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	var err error
	if cfg.Import, err = importOptions(&c); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	return c.withWarehouse(ctx, func(w *warehouse.Warehouse) error {
		srv, err := api.New(cfg, w, log)
		if err != nil {
			return err
		}
		return srv.ListenAndServe(ctx)
	})
}
