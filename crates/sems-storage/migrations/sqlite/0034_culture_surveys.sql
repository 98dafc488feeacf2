-- Security culture surveys (module 6): the authority's question banks (versions as JSON), an
-- organisation's surveys with the questions they ask, one single-use invitation per person
-- invited (only its hash is kept; the person is forgotten once it is used, and it keeps no
-- time), and the answers, which keep no link to a person, an invitation or a time: the survey,
-- a group of at least five people invited ("Other" otherwise), the free text, and each item's
-- answer with its score from 0 to 100.
CREATE TABLE survey_question_banks (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    version BIGINT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_by BIGINT REFERENCES people (id),
    published_at_ms BIGINT NOT NULL
);

CREATE TABLE culture_surveys (
    id INTEGER PRIMARY KEY,
    owner_party_id BIGINT NOT NULL REFERENCES parties (id),
    site_id BIGINT REFERENCES sites (id),
    function TEXT,
    title TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    closed_early BIGINT NOT NULL DEFAULT 0,
    bank_version BIGINT NOT NULL,
    questions TEXT NOT NULL,
    invited BIGINT NOT NULL,
    -- Kept with each answer, so the national picture reads surveys, not every answer.
    answered BIGINT NOT NULL DEFAULT 0,
    item_count BIGINT NOT NULL DEFAULT 0,
    score_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES people (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX culture_surveys_owner ON culture_surveys (owner_party_id, closes_on, id);
CREATE INDEX culture_surveys_closes ON culture_surveys (closes_on, id);

CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES culture_surveys (id),
    -- Cleared when the invitation is used.
    personnel_id BIGINT REFERENCES personnel (id),
    token_hash TEXT NOT NULL UNIQUE,
    group_key TEXT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX survey_invitations_survey ON survey_invitations (survey_id, used);

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES culture_surveys (id),
    group_key TEXT NOT NULL,
    free_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_answers_survey ON survey_answers (survey_id, group_key);

CREATE TABLE survey_answer_items (
    answer_id BIGINT NOT NULL REFERENCES survey_answers (id),
    survey_id BIGINT NOT NULL REFERENCES culture_surveys (id),
    question_code TEXT NOT NULL,
    theme TEXT NOT NULL,
    value BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (answer_id, question_code)
);
CREATE INDEX survey_answer_items_survey ON survey_answer_items (survey_id, theme);

CREATE TABLE survey_theme_totals (
    survey_id BIGINT NOT NULL REFERENCES culture_surveys (id),
    theme TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    score_sum DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (survey_id, theme)
);
