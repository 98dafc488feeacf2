-- Where the deployment asks for it, a forwarding that keeps identifiers waits for a second
-- handler: the first handler's proposal (who, and each item kept with why), as JSON; cleared
-- when the de-identified version changes or the report is forwarded.
ALTER TABLE security_reports ADD COLUMN forward_proposal TEXT;
