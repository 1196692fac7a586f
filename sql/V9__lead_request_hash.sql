-- What an Idempotency-Key was used for: SHA-256 (hex) of the request's canonical form (source and the
-- parsed lead), so that the same key with a different lead is refused (422) instead of answering the
-- first deal and dropping the second lead. Rows stored before this have none and keep replaying.
ALTER TABLE lead_requests ADD COLUMN request_hash TEXT CHECK (request_hash ~ '^[0-9a-f]{64}$');
