-- The 24-hour callback (离店24小时内电话回访): one task per departed guest
-- per departure day, owned by one butler at a time, worked to closure.
-- Every change is also an append-only event; SLA figures come from events.

-- Tasks. task_id is assigned by the warehouse (max + 1 under the writer).
-- version grows with every change: a writer that read an older version is
-- told the task changed (optimistic concurrency).
CREATE TABLE callback_tasks (
    task_id         BIGINT NOT NULL,
    guest_id        VARCHAR NOT NULL,     -- the resolved guest (primary profile's PMS id)
    departure_day   DATE NOT NULL,        -- hotel-local day of the departure
    departure_at    TIMESTAMPTZ NOT NULL, -- the last departure of that day
    due_at          TIMESTAMPTZ NOT NULL, -- departure_at + 24 h
    stay_ids        VARCHAR NOT NULL,     -- the day's stays, comma-separated
    priority        TINYINT NOT NULL,     -- 1 complaint/low score, 2 VIP, 3 first visit, 4 everyone else
    priority_reason VARCHAR NOT NULL,
    owner           VARCHAR NOT NULL,     -- staff id
    owner_reason    VARCHAR NOT NULL,     -- served_stay | dedicated_butler | least_loaded | reassigned
    status          VARCHAR NOT NULL,     -- open | closed
    disposition     VARCHAR,              -- the closing code, or 'unreachable'
    attempts        INTEGER NOT NULL,
    next_call_at    TIMESTAMPTZ,          -- when the next call may be placed
    score           TINYINT,              -- satisfaction 1-5 captured on the call
    at_risk         BOOLEAN NOT NULL,     -- not closed 18 h after departure
    escalated       BOOLEAN NOT NULL,     -- not closed 24 h after departure: the owner's lead was told
    escalated_to    VARCHAR,
    version         INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ
);

-- Departures that got no task, and why (no reachable phone, do not call,
-- back in house): never silently skipped, never tried twice.
CREATE TABLE callback_skips (
    guest_id      VARCHAR NOT NULL,
    departure_day DATE NOT NULL,
    departure_at  TIMESTAMPTZ NOT NULL,
    reason        VARCHAR NOT NULL,       -- no_phone | do_not_call | in_house
    created_at    TIMESTAMPTZ NOT NULL
);

-- Every creation, assignment, attempt, escalation and closure, in order.
CREATE TABLE callback_events (
    event_id    BIGINT NOT NULL,
    task_id     BIGINT NOT NULL,
    event_at    TIMESTAMPTZ NOT NULL,
    kind        VARCHAR NOT NULL,        -- created | assigned | attempt | at_risk | escalated | closed | recovery_opened | recovery_changed
    actor       VARCHAR NOT NULL,        -- staff id, or 'system'
    owner       VARCHAR,                 -- the owner after the event
    disposition VARCHAR,
    score       TINYINT,
    note        VARCHAR
);

-- Service recovery: a call that raised an issue opens a case owned by the
-- same butler, with the department that must act as a second owner.
CREATE TABLE recovery_cases (
    case_id     BIGINT NOT NULL,
    task_id     BIGINT NOT NULL,
    guest_id    VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL,
    department  VARCHAR NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    status      VARCHAR NOT NULL,        -- open | in_progress | resolved
    outcome     VARCHAR,                 -- recovered | not_recovered
    resolved_at TIMESTAMPTZ,
    version     INTEGER NOT NULL
);

-- Each generation run, so the next looks back only to where this one ended.
CREATE TABLE callback_runs (
    run_at       TIMESTAMPTZ NOT NULL,   -- the moment generation ran as of
    window_start TIMESTAMPTZ NOT NULL,
    created      INTEGER NOT NULL,
    skipped      INTEGER NOT NULL
);
