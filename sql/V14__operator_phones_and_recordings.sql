-- Issue 11: operators' phone state from the PBX (routing skips unregistered, unavailable and busy phones) and
-- call recordings in the deal card.

-- The phone of the manager's extension as the PBX last told it (ru.dozvon.call.PhoneState); UNKNOWN until the
-- PBX says anything (no PBX, or a phone without a hint): treated as usable, as before this column existed.
ALTER TABLE managers ADD COLUMN phone_state TEXT NOT NULL DEFAULT 'UNKNOWN'
  CHECK (phone_state IN ('AVAILABLE', 'RINGING', 'IN_USE', 'UNAVAILABLE', 'UNREGISTERED', 'UNKNOWN'));
ALTER TABLE managers ADD COLUMN phone_state_at TIMESTAMPTZ;

-- The file MixMonitor wrote (channel variable DOZVON_RECORDING), relative to telephony.recordings_dir.
ALTER TABLE calls ADD COLUMN recording TEXT CHECK (length(recording) BETWEEN 1 AND 500);
