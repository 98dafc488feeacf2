-- Oversight, part 7 (SQLite): an organisation's contractors (for example an airport's
-- security service provider), which it oversees as part of its own quality control.
CREATE TABLE party_contractors (
    client_party_id BIGINT NOT NULL REFERENCES parties (id),
    contractor_party_id BIGINT NOT NULL REFERENCES parties (id),
    added_by BIGINT REFERENCES people (id),
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (client_party_id, contractor_party_id)
);
