package main

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/revisit-hotel/revisit/api"
	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse"
)

func runServe(ctx context.Context, e *env, args []string) error {
	var c config
	var cfg api.Config
	var proxies, inbox, outbox, spec, tlsCert, tlsKey, keep string
	fs := newFlagSet(e, "serve", "serve [--db PATH] [--addr :8080] [--tls-cert FILE --tls-key FILE] [--inbox DIR] [--outbox DIR] [--nightly CRON|off]",
		`Serves the API under /api/v1 (bearer tokens from 'revisit token create'),
the pages under /ui/, /livez, /readyz and /metrics; api/openapi.yaml
describes every route. Uploads (POST /api/v1/imports) load by the rules of
'revisit ingest', so the ingest flags apply here too.

Every night (--nightly, a cron expression in the hotel's time; default
02:00) it loads the new files of --inbox (then moved to processed/ or
failed/ beside them), analyses yesterday, makes the callback list and
writes the day's workbooks to --outbox, then deletes the kept files
(processed/, failed/, the outbox's workbooks) older than --keep-files;
every hour it escalates overdue callbacks. On start it first runs the nights missed while it was down (at
most seven, oldest first). GET /api/v1/jobs shows every run.

With --tls-cert and --tls-key (the hotel's certificate and its key, PEM)
it serves HTTPS; without them plain HTTP, for the hotel LAN or behind a
proxy that ends TLS (--trusted-proxies, which then says so with
X-Forwarded-Proto). The pages' sign-in cookie is Secure exactly when the
browser came over HTTPS.

Staff sign in to the pages with their staff id and password ('revisit
staff create'), or by scanning a one-time QR code an admin or their lead
shows (it holds --public-url, or the address the admin's browser used).

The process owns the warehouse while it runs; SIGTERM or Ctrl-C stops
taking requests, lets those in flight finish, stops a night between steps
(it runs again at the next start), and closes the warehouse cleanly.`)
	warehouseFlags(fs, e, &c)
	ingestFlags(fs, e, &c)
	fs.Int64Var(&cfg.UploadLimit, "upload-limit", 512<<20, "largest POST /api/v1/imports body, in bytes")
	fs.StringVar(&cfg.Addr, "addr", envOr(e, "REVISIT_ADDR", ":8080"), "listen address (env REVISIT_ADDR)")
	fs.StringVar(&proxies, "trusted-proxies", envOr(e, "REVISIT_TRUSTED_PROXIES", ""), "comma-separated proxy addresses whose X-Forwarded-For is believed (default none)")
	fs.StringVar(&tlsCert, "tls-cert", envOr(e, "REVISIT_TLS_CERT", ""), "serve HTTPS with this certificate (PEM, the chain after it; env REVISIT_TLS_CERT); needs --tls-key")
	fs.StringVar(&tlsKey, "tls-key", envOr(e, "REVISIT_TLS_KEY", ""), "the private key of --tls-cert (PEM; env REVISIT_TLS_KEY)")
	fs.StringVar(&cfg.PublicURL, "public-url", envOr(e, "REVISIT_PUBLIC_URL", ""), "the address phones reach this server by, for sign-in QR codes, e.g. http://192.168.1.20:8080 (env REVISIT_PUBLIC_URL; default: the address the admin's browser used)")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", 8*time.Hour, "a page sign-in ends after this long unused")
	fs.DurationVar(&cfg.SessionAbsolute, "session-max", 7*24*time.Hour, "a page sign-in ends this long after it began, used or not")
	fs.IntVar(&cfg.RatePerMinute, "rate", 600, "requests a minute per token")
	fs.DurationVar(&cfg.BodyIdle, "body-idle", 30*time.Second, "a request body (an upload) that pauses this long between reads is cut off")
	fs.Int64Var(&cfg.BodyMinRate, "body-min-rate", 64<<10, "the slowest a whole request body may arrive, in bytes a second (any body gets at least a minute); a full --upload-limit at the default takes 2 h 16 min")
	fs.StringVar(&inbox, "inbox", envOr(e, "REVISIT_INBOX", ""), "folder the nightly run loads new export files from (env REVISIT_INBOX; empty: none)")
	fs.StringVar(&outbox, "outbox", envOr(e, "REVISIT_OUTBOX", ""), "folder the nightly run writes the day's workbooks to (env REVISIT_OUTBOX; empty: none)")
	fs.StringVar(&keep, "keep-files", envOr(e, "REVISIT_KEEP_FILES", "30d"), "how long the inbox's processed/ and failed/ files and the outbox's workbooks are kept, in days (30d), or off (env REVISIT_KEEP_FILES)")
	fs.StringVar(&cfg.BackupDir, "backup-dir", envOr(e, "REVISIT_BACKUP_DIR", ""), "folder POST /api/v1/backups writes backups into (env REVISIT_BACKUP_DIR; empty: none)")
	fs.StringVar(&spec, "nightly", envOr(e, "REVISIT_NIGHTLY", nightly.DefaultSpec), `when the nightly run starts, a cron expression in the hotel's time (env REVISIT_NIGHTLY); "off" for none`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if cfg.BodyIdle <= 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--body-idle %s: must be a positive duration, e.g. 30s", cfg.BodyIdle)}
	}
	if cfg.BodyMinRate <= 0 {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--body-min-rate %d: must be a positive number of bytes a second, e.g. 65536", cfg.BodyMinRate)}
	}
	if err := api.CheckPublicURL(cfg.PublicURL); err != nil {
		return exitError{code: exitUsage, msg: "--public-url: " + err.Error()}
	}
	var err error
	if cfg.TLS, err = tlsConfig(tlsCert, tlsKey); err != nil {
		return err
	}
	if cfg.Currency, err = c.currency(); err != nil {
		return err
	}
	if cfg.Import, err = importOptions(&c); err != nil {
		return err
	}
	keepFiles, err := nightly.ParseKeepFiles(keep)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	if spec != "off" {
		cfg.Nightly = &nightly.Config{Inbox: inbox, Outbox: outbox, Import: cfg.Import, Loc: cfg.Import.Ingest.Loc, Currency: cfg.Currency,
			KeepFiles: keepFiles, Log: log}
	}
	return c.withWarehouse(ctx, func(w *warehouse.Warehouse) error {
		return serveWarehouse(ctx, w, cfg, spec, log, nil)
	})
}

// serveWarehouse serves w until ctx ends: the API and pages, and, when cfg
// has a nightly pipeline, its schedule and the catch-up of missed nights.
// ready, when set, is called once the server listens, with its address.
func serveWarehouse(ctx context.Context, w *warehouse.Warehouse, cfg api.Config, spec string, log *slog.Logger, ready func(addr string)) error {
	warnExposed(log, w)
	srv, err := api.New(cfg, w, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", ln.Addr().String(), "https", cfg.TLS != nil)
	if ready != nil {
		ready(ln.Addr().String())
	}
	if cfg.Nightly == nil {
		return srv.Serve(ctx, ln)
	}
	sched, err := nightly.StartSchedule(w, *cfg.Nightly, spec, nil, srv.ObserveJob)
	if err != nil {
		ln.Close()
		return exitError{code: exitUsage, msg: err.Error()}
	}
	var catchUp sync.WaitGroup
	catchUp.Add(1)
	go func() {
		defer catchUp.Done()
		results, err := nightly.CatchUp(ctx, w, *cfg.Nightly, "catch_up")
		observeRuns(srv.ObserveJob, results)
		if err != nil {
			log.Error("catch-up stopped", "error", err)
		}
	}()
	serveErr := srv.Serve(ctx, ln)
	catchUp.Wait() // ctx is done: a night under way stops between steps
	if err := sched.Stop(); err != nil && serveErr == nil {
		serveErr = err
	}
	return serveErr
}

// tlsConfig loads the certificate and key of --tls-cert/--tls-key: nil
// for neither (plain HTTP), a usage error for one without the other, and
// an error naming the file that cannot be read or used.
func tlsConfig(certFile, keyFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "" || keyFile == "":
		return nil, exitError{code: exitUsage, msg: "--tls-cert and --tls-key go together: give both (HTTPS) or neither (plain HTTP)"}
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read the certificate (--tls-cert): %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read the key (--tls-key): %w", err)
	}
	if block, _ := pem.Decode(certPEM); block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("--tls-cert %s: no PEM certificate in it", certFile)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--tls-key %s does not go with --tls-cert %s: %w", keyFile, certFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// observeRuns counts the catch-up's nights in the metrics as the schedule's
// are counted: a good night caught up at start is a good night.
func observeRuns(observe nightly.Observer, results []nightly.Result) {
	for _, r := range results {
		if r.Status == warehouse.JobSkipped {
			continue // another run was under way: not a run of its own
		}
		var took time.Duration
		for _, st := range r.Steps {
			took += time.Duration(st.MS) * time.Millisecond
		}
		var err error
		if r.Status != warehouse.JobSucceeded {
			err = errors.New(r.Error)
		}
		observe(nightly.Job, took, err)
	}
}
