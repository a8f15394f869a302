-- Analytics: visits, per-guest metrics by as-of date, model fits, backtests,
-- revisit targets, and the marketing contacts that keep a guest off a list.

-- A visit is one occasion: a guest's stays and outlet visits that overlap or
-- fall on the same hotel-local day are one visit (a room stay with dinners in
-- it, a room move, an extension, lunch on the day of check-out). Only stays
-- that ended by as_of_end count, so any past night can be recomputed and a
-- backtest sees nothing of its future. Dates are hotel-local: the warehouse's
-- TimeZone setting is the hotel's.
CREATE MACRO guest_visits(as_of_end) AS TABLE
WITH s AS (
    SELECT gp.guest_id, st.arrival, st.departure, st.spend_cents, st.outlet_kind,
           CAST(st.arrival AS DATE) AS arrival_day, CAST(st.departure AS DATE) AS departure_day
    FROM stays st JOIN guest_profiles gp USING (profile_id)
    WHERE st.departure <= as_of_end
), ordered AS (
    SELECT *, max(departure_day) OVER (PARTITION BY guest_id ORDER BY arrival, departure
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM s
), numbered AS (
    SELECT *, sum(CASE WHEN reach IS NULL OR arrival_day > reach THEN 1 ELSE 0 END)
               OVER (PARTITION BY guest_id ORDER BY arrival, departure ROWS UNBOUNDED PRECEDING) AS visit_no
    FROM ordered
)
SELECT guest_id, visit_no,
       min(arrival) AS arrival, max(departure) AS departure,
       CAST(min(arrival) AS DATE) AS arrival_day, CAST(max(departure) AS DATE) AS departure_day,
       coalesce(sum(spend_cents), 0) AS spend_cents, count(*) AS stays,
       -- the visit's main outlet is its biggest spend (ties broken by name, so
       -- a re-run gives the same answer)
       first(outlet_kind ORDER BY spend_cents DESC NULLS LAST, outlet_kind) AS main_outlet
FROM numbered GROUP BY guest_id, visit_no;

-- Guests marketing has contacted, so that no one is pestered twice a month.
CREATE TABLE marketing_contacts (
    guest_id     VARCHAR NOT NULL,
    contacted_at TIMESTAMPTZ NOT NULL,
    channel      VARCHAR,
    campaign     VARCHAR
);

-- One row per analysis run (as-of date); a re-run of a date replaces it.
CREATE TABLE analysis_runs (
    as_of          DATE NOT NULL,
    computed_at    TIMESTAMPTZ NOT NULL,
    guests         BIGINT NOT NULL,
    visits         BIGINT NOT NULL,
    selected_model VARCHAR NOT NULL,      -- bgnbd | mbgnbd | rhythm (no model could be fitted)
    message        VARCHAR NOT NULL,
    timings_ms     VARCHAR NOT NULL        -- JSON: phase → milliseconds
);

-- The fitted models of each run. Time unit: days.
CREATE TABLE model_fits (
    as_of          DATE NOT NULL,
    name           VARCHAR NOT NULL,      -- bgnbd | mbgnbd | gamma_gamma
    params         VARCHAR NOT NULL,      -- JSON
    log_likelihood DOUBLE,
    converged      BOOLEAN NOT NULL,
    message        VARCHAR NOT NULL
);

-- The nightly backtest: fit as of as_of − holdout_days, predict each guest's
-- visits in the holdout, compare with what happened.
CREATE TABLE backtests (
    as_of             DATE NOT NULL,
    model             VARCHAR NOT NULL,
    holdout_days      INTEGER NOT NULL,
    guests            BIGINT NOT NULL,
    mae               DOUBLE,
    correlation       DOUBLE,
    predicted_total   DOUBLE,
    actual_total      DOUBLE,
    top_decile_lift   DOUBLE,             -- share of the holdout's returning guests found in the top 10 % of predictions
    selected          BOOLEAN NOT NULL
);

-- Per-guest metrics as of the end of a hotel-local day.
CREATE TABLE guest_metrics (
    as_of                DATE NOT NULL,
    guest_id             VARCHAR NOT NULL,
    visits               INTEGER NOT NULL,
    first_visit          DATE NOT NULL,
    last_visit           DATE NOT NULL,   -- the day the last visit ended
    recency_days         INTEGER NOT NULL, -- first to last visit (t_x), days
    age_days             INTEGER NOT NULL, -- first visit to as_of (T), days
    days_since_last      INTEGER NOT NULL,
    median_interval_days DOUBLE,
    mean_interval_days   DOUBLE,
    expected_next        DATE,
    days_overdue         INTEGER,
    anniversary          BOOLEAN NOT NULL,
    total_spend_cents    BIGINT NOT NULL,
    mean_spend_cents     BIGINT NOT NULL,
    favourite_outlet     VARCHAR,
    main_butler          VARCHAR,
    r_score              TINYINT NOT NULL,
    f_score              TINYINT NOT NULL,
    m_score              TINYINT NOT NULL,
    segment              VARCHAR NOT NULL,
    p_alive              DOUBLE,
    expected_visits_90d  DOUBLE,
    expected_visits_365d DOUBLE,
    expected_spend_cents DOUBLE,
    value_365d_cents     DOUBLE
);

-- Revisit targets of a date: who to invite back, and why.
CREATE TABLE targets (
    as_of            DATE NOT NULL,
    guest_id         VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,    -- due | winback
    priority         DOUBLE NOT NULL,
    due_date         DATE,
    butler_id        VARCHAR,
    favourite_outlet VARCHAR,
    preferences      VARCHAR,
    reason_zh        VARCHAR NOT NULL,
    reason_en        VARCHAR NOT NULL
);
