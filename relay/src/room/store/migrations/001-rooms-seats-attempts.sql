-- The workshop's first schema: rooms and their exercises, learners' seats, and attempts.
-- Plain SQL that SQLite and PostgreSQL both read: TEXT, BIGINT and BOOLEAN columns, times in
-- milliseconds since the Unix epoch, JSON kept as TEXT, ids made by the relay.

CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    -- 'never', 'after' (solutions_after attempts) or 'always'
    solutions TEXT NOT NULL,
    solutions_after BIGINT NOT NULL,
    -- 'demos' or 'learners'
    node_faults TEXT NOT NULL,
    current_position BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    closed_at_ms BIGINT
);

CREATE TABLE room_exercises (
    room_id TEXT NOT NULL REFERENCES rooms (id),
    position BIGINT NOT NULL,
    exercise_id TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    needs_node_faults BOOLEAN NOT NULL,
    -- the whole exercise document: starting scenario, exercise, solution
    document TEXT NOT NULL,
    PRIMARY KEY (room_id, position),
    UNIQUE (room_id, exercise_id)
);

CREATE TABLE seats (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id),
    secret TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- the name as compared: trimmed, spaces collapsed, lower case
    name_key TEXT NOT NULL,
    joined_at_ms BIGINT NOT NULL,
    UNIQUE (room_id, name_key)
);

CREATE TABLE attempts (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id),
    seat_id TEXT NOT NULL REFERENCES seats (id),
    exercise_id TEXT NOT NULL,
    number BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    passed BOOLEAN NOT NULL,
    -- the first failed check's text, {"en": ..., "zh": ...}
    failed_check TEXT,
    scenario TEXT NOT NULL,
    checks TEXT NOT NULL,
    summary TEXT NOT NULL,
    UNIQUE (seat_id, exercise_id, number)
);

CREATE INDEX attempts_by_room ON attempts (room_id);

-- The events of each learner's latest attempt at each exercise, for its replay; an older
-- attempt's events are deleted when a newer one is recorded.
CREATE TABLE attempt_events (
    attempt_id TEXT PRIMARY KEY REFERENCES attempts (id),
    events TEXT NOT NULL,
    cut BOOLEAN NOT NULL
);
