-- Intake: people search (intake.person_search) — by employee number prefix or by a substring of
-- the name, within an org subtree, for ~150k people.
--
-- Why not pg_trgm: Chinese names are two or three characters and people search them by one or
-- two ("王", "建国"); a trigram index extracts nothing from a pattern shorter than three
-- characters and degenerates to a full index scan (slower than the table scan). It also needs
-- CREATE EXTENSION by a superuser, which the service role is not. pg_bigm, made for this, is not
-- packaged by Debian. So: the name's own 1- and 2-grams in a generated column with a core GIN
-- index. Every substring of one or more characters has all its 1- and 2-grams among the
-- name's, so "name_grams @> grams(query)" finds every candidate and strpos() confirms it.
-- Measured on 150k seeded people (services/intake/bench): see services/intake/README.md.
CREATE FUNCTION person_name_grams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ARRAY(SELECT DISTINCT substr(lower(name), i, k)
                         FROM generate_series(1, char_length(name)) AS i,
                              generate_series(1, 2) AS k
                        WHERE i + k - 1 <= char_length(name)) $$;

ALTER TABLE person
    ADD COLUMN name_grams text[] GENERATED ALWAYS AS (person_name_grams(name)) STORED;
CREATE INDEX person_name_grams ON person USING gin (name_grams);

-- employee number prefix, case-insensitive ("e10" finds E1001): LIKE 'e10%' on this index
CREATE INDEX person_employee_no_lower ON person (lower(employee_no) text_pattern_ops);
