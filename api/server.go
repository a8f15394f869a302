package api

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/revisit-hotel/revisit/api/roles"
	"github.com/revisit-hotel/revisit/money"
	"github.com/revisit-hotel/revisit/nightly"
	"github.com/revisit-hotel/revisit/warehouse"
	"github.com/revisit-hotel/revisit/warehouse/load"
)

// Config is how the server listens and what it allows.
type Config struct {
	Addr           string        // listen address (default :8080)
	TrustedProxies []string      // none unless configured
	BodyLimit      int64         // largest request body (default 1 MiB)
	RatePerMinute  int           // requests per token per minute (default 600)
	ShutdownGrace  time.Duration // how long in-flight requests may finish (default 30 s)
	Now            func() time.Time
	// UploadLimit is the largest POST /imports body (default 512 MiB).
	UploadLimit int64
	// BodyIdle is how long a request body may pause between reads before
	// the request is cut off (default 30 s); BodyMinRate, in bytes a second,
	// bounds the whole body's time by its route's limit (default 64 KiB/s:
	// a full 512 MiB upload may take 2 h 16 min, any body at least a
	// minute). Together they replace a whole-request read timeout, which
	// would make a large upload race the clock.
	BodyIdle    time.Duration
	BodyMinRate int64
	// Import is how uploads load: the rules of `revisit ingest`.
	Import load.Options
	// BackupDir is the folder POST /api/v1/backups writes into; empty: the
	// server takes no backups.
	BackupDir string
	// Nightly is the nightly pipeline's configuration, for a run started
	// through the API; nil when the server runs none.
	Nightly *nightly.Config
	// SessionIdle ends a page session unused this long (default 8 h);
	// SessionAbsolute ends it this long after sign-in whatever (default 7
	// days). The cookie is Secure exactly when the request came over HTTPS
	// (TLS here, or a trusted proxy's X-Forwarded-Proto), so plain HTTP on
	// a hotel LAN works.
	SessionIdle, SessionAbsolute time.Duration
	// PublicURL is the address phones reach the server by (e.g.
	// http://192.168.1.20:8080), for the sign-in links shown as QR codes;
	// empty: the address the admin's own browser used.
	PublicURL string
	// TLS, when set, makes Serve and ListenAndServe speak HTTPS with it
	// (`serve --tls-cert/--tls-key`).
	TLS *tls.Config
	// Currency names the money on the pages and in the exports (default
	// CNY); amounts are stored in hundredths whatever it is.
	Currency money.Currency
	// KPIStaleFor is how long a KPI report may still be answered after the
	// warehouse changed, while a fresh one is computed (default 1 minute;
	// negative: never, every change makes the next caller wait).
	KPIStaleFor time.Duration
}

// Server is Revisit's HTTP server.
type Server struct {
	cfg      Config
	wh       *warehouse.Warehouse
	log      *slog.Logger
	engine   *gin.Engine
	limiter  *rateLimiter
	proxies  []netip.Prefix // Config.TrustedProxies, for overHTTPS
	metrics  *metrics
	kpiCache kpiCache
	sheets   sheetCache
	stopping atomic.Bool
	bg       *backgroundWork // what requests leave running, waited for at shutdown
}

// New builds the server over an open warehouse.
func New(cfg Config, wh *warehouse.Warehouse, log *slog.Logger) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = ":8080"
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.KPIStaleFor == 0 {
		cfg.KPIStaleFor = time.Minute
	}
	if cfg.UploadLimit <= 0 {
		cfg.UploadLimit = 512 << 20
	}
	if cfg.BodyIdle <= 0 {
		cfg.BodyIdle = 30 * time.Second
	}
	if cfg.BodyMinRate <= 0 {
		cfg.BodyMinRate = 64 << 10
	}
	if cfg.RatePerMinute <= 0 {
		cfg.RatePerMinute = 600
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 30 * time.Second
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 8 * time.Hour
	}
	if cfg.SessionAbsolute <= 0 {
		cfg.SessionAbsolute = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, wh: wh, log: log, engine: gin.New(), limiter: newRateLimiter(cfg.RatePerMinute, cfg.Now),
		metrics: newMetrics(), bg: newBackgroundWork()}
	// No form of the pages carries files but the imports page's, which
	// uiStageUpload streams into the staging area. Any other form's body
	// is at most BodyLimit: held in memory whole, a multipart one never
	// spills to the system's temporary folder.
	s.engine.MaxMultipartMemory = cfg.BodyLimit
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("api: trusted proxies: %w", err)
	}
	var err error
	if s.proxies, err = parseProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("api: trusted proxies: %w", err)
	}
	if err := CheckPublicURL(cfg.PublicURL); err != nil {
		return nil, fmt.Errorf("api: public URL: %w", err)
	}
	// metrics before recover, so that a panic is counted as the 500 it becomes
	s.engine.Use(s.requestIDs, s.metrics.middleware(), s.logRequests, s.recover, s.limitBody)
	s.engine.NoRoute(s.notFound)
	s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, for tests.
func (s *Server) Handler() http.Handler { return s.engine }

// routes lists every endpoint and who may call it.
func (s *Server) routes() {
	s.engine.GET("/livez", s.livez)
	s.engine.GET("/readyz", s.readyz)
	s.engine.GET("/metrics", gin.WrapH(s.metrics.handler())) // no guest data: see metrics.go
	v1 := s.engine.Group("/api/v1", s.authenticate)
	v1.GET("/callbacks", s.allow(roles.Butler, roles.Lead, roles.Manager, roles.Admin), s.listCallbacks)
	v1.GET("/callbacks/:id", s.allow(roles.Butler, roles.Lead, roles.Manager, roles.Admin), s.getCallback)
	v1.POST("/callbacks/:id/attempts", s.allow(roles.Butler), s.recordAttempt)
	v1.POST("/callbacks/:id/assign", s.allow(roles.Lead, roles.Admin), s.assignTask)
	v1.GET("/recovery-cases", s.allow(roles.Butler, roles.Lead, roles.Manager, roles.Admin), s.listRecoveryCases)
	v1.POST("/recovery-cases/:id", s.allow(roles.Butler, roles.Lead, roles.Admin), s.updateRecoveryCase)
	v1.GET("/targets", s.allow(roles.Marketing, roles.Manager, roles.Admin), s.listTargets)
	v1.POST("/campaigns", s.allow(campaignRoles...), s.createCampaign)
	v1.GET("/campaigns", s.allow(campaignRoles...), s.listCampaigns)
	v1.GET("/campaigns/:id", s.allow(campaignRoles...), s.getCampaign)
	v1.GET("/campaigns/:id/list.xlsx", s.allow(campaignRoles...), s.campaignList)
	v1.POST("/campaigns/:id/contacts", s.allow(campaignRoles...), s.postCampaignContacts)
	v1.GET("/guests/:id", s.allow(roles.Butler, roles.Lead, roles.Manager, roles.Marketing, roles.Admin), s.getGuest)
	v1.POST("/guests/:id/reveal-contact", s.allow(roles.Butler, roles.Lead, roles.Admin), s.revealContact)
	v1.POST("/guests/:id/forget", s.allow(roles.Admin), s.forgetGuest)
	v1.POST("/identity/split", s.allow(roles.Admin), s.splitProfile)
	v1.POST("/identity/merge", s.allow(roles.Admin), s.mergeProfile)
	v1.GET("/identity/review", s.allow(roles.Admin), s.identityReview)
	v1.POST("/identity/review", s.allow(roles.Admin), s.answerReview)
	v1.GET("/kpis", s.allow(roles.Manager, roles.Admin), s.getKPIs)
	v1.GET("/exports/:file", s.allow(roles.Butler, roles.Lead, roles.Manager, roles.Marketing, roles.Admin), s.download)
	v1.POST("/imports", s.allow(roles.Admin), s.upload)
	s.uiRoutes()
	v1.GET("/imports", s.allow(roles.Admin), s.listImports)
	v1.GET("/imports/:id/rejects", s.allow(roles.Admin), s.listRejects)
	v1.GET("/audit", s.allow(roles.Admin), s.listAudit)
	v1.GET("/jobs", s.allow(roles.Admin, roles.Manager), s.listJobs)
	v1.POST("/jobs/nightly/run", s.allow(roles.Admin), s.runNightly)
	v1.POST("/backups", s.allow(roles.Admin), s.createBackup)
	v1.POST("/staff", s.allow(roles.Admin), s.createStaff)
	v1.GET("/staff", s.allow(roles.Admin), s.listStaff)
	v1.POST("/staff/:id/password", s.allow(roles.Admin), s.resetStaffPassword)
	v1.POST("/staff/:id/disable", s.allow(roles.Admin), s.disableStaff)
	v1.POST("/tokens", s.allow(roles.Admin), s.createToken)
	v1.GET("/tokens", s.allow(roles.Admin), s.listTokens)
	v1.DELETE("/tokens/:id", s.allow(roles.Admin), s.revokeToken)
	v1.POST("/sessions/revoke", s.allow(roles.Admin), s.endSessions)
	v1.POST("/staff/:id/signin-link", s.allow(roles.Admin, roles.Lead), s.createSignInLink)
}

// Serve listens until ctx is cancelled, then stops taking new requests,
// lets in-flight ones finish within the grace period, and returns. It first
// sets the jobs' last-success metrics from the job history.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := s.metrics.seedJobs(ctx, s.wh); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout: it would cover the whole body; bodies get their
		// own deadline as they stream (bodyDeadline).
		WriteTimeout: 10 * time.Minute, // downloads stream large exports
		IdleTimeout:  2 * time.Minute,
	}
	if s.cfg.TLS != nil {
		ln = tls.NewListener(ln, s.cfg.TLS)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.stopping.Store(true)
	shutdown, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.Close() // after the requests: none can start background work now
	return err
}

// ListenAndServe listens on cfg.Addr and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.log.Info("serving", "addr", ln.Addr().String())
	return s.Serve(ctx, ln)
}

// newID makes a request id.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
