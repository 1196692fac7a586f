-- Sign-in for people (issue 13): logins and Argon2id password hashes, sessions kept in PostgreSQL (so they survive
-- restarts and work across instances), and the lock-out of repeated wrong passwords.

-- A manager's login is unique whatever its case; 'admin' belongs to the built-in admin. password_hash is an
-- encoded PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash); NULL: the manager cannot sign in with a password.
ALTER TABLE managers ADD COLUMN login TEXT CHECK (login ~ '^[A-Za-z0-9._@-]{3,64}$' AND lower(login) <> 'admin');
ALTER TABLE managers ADD COLUMN password_hash TEXT;
CREATE UNIQUE INDEX managers_login ON managers (lower(login));

-- The built-in admin's password hash (one row): from DOZVON_ADMIN_PASSWORD, or generated at the first start.
CREATE TABLE admin_credentials (
  id            SMALLINT    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  password_hash TEXT        NOT NULL,
  source        TEXT        NOT NULL,
  updated_at    TIMESTAMPTZ NOT NULL
);

-- Browser sessions, by the SHA-256 of the cookie's random value (a stolen database signs no one in).
-- manager_id NULL = the built-in admin. csrf_token is sent back as X-CSRF-Token on state-changing requests.
CREATE TABLE sessions (
  id_hash      BYTEA       PRIMARY KEY,
  manager_id   BIGINT      REFERENCES managers(id) ON DELETE CASCADE,
  role         TEXT        NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  csrf_token   TEXT        NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  CHECK ((role = 'admin') = (manager_id IS NULL))
);
CREATE INDEX sessions_manager ON sessions (manager_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- Wrong passwords per login (lower case; unknown logins too, so a lock-out tells nothing about who exists).
CREATE TABLE sign_in_failures (
  login_key       TEXT        PRIMARY KEY,
  failures        INTEGER     NOT NULL DEFAULT 0,
  locks           INTEGER     NOT NULL DEFAULT 0,
  locked_until    TIMESTAMPTZ,
  last_failure_at TIMESTAMPTZ
);
