-- The built-in admin's DOZVON_ADMIN_PASSWORD as last applied (its Argon2id hash), so that a start with the same value
-- leaves alone a password the admin has changed since, and only a new value replaces it (docs/SECURITY.md).
-- NULL: no value applied (generated, or the variable absent at the last start).
ALTER TABLE admin_credentials ADD COLUMN configured_hash TEXT;
