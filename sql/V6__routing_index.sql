-- Routing (issue 5). A new lead's previous manager is the owner of the contact's most recent earlier deal
-- that had one (PgRoutingRepository.LEAD_COLUMNS): without this index that look-up scanned the deals table
-- backwards by id from the new deal, every earlier deal of every contact, once per new lead.
CREATE INDEX deals_contact ON deals (contact_id, id);
