-- One row per finished role-play attempt (our "scored" statement of a complaint-roleplay
-- activity), keeping only units with at least TANGERANG_K_ANONYMITY learners in that block.
WITH endings AS (
    SELECT
        event_id,
        emission_time,
        actor_id,
        course_key,
        org,
        object_id AS block_iri,
        splitByString('+block@', object_id)[-1] AS block_id,
        JSONExtractString(event, 'context', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/unit') AS unit_raw,
        if(unit_raw = '', 'tanpa unit', unit_raw) AS unit,
        JSONExtractInt(event, 'context', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/attempt') AS attempt,
        JSONExtractString(event, 'context', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/scenario-version') AS scenario_version,
        JSONExtractString(event, 'result', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/ending') AS ending,
        JSONExtractString(event, 'result', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/quality') AS quality,
        JSONExtractFloat(event, 'result', 'score', 'raw') AS points,
        JSONExtractFloat(event, 'result', 'score', 'max') AS max_points,
        JSONExtractFloat(event, 'result', 'score', 'scaled') AS score_scaled,
        length(JSONExtractArrayRaw(event, 'result', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/critical-breaches')) AS critical_breaches,
        event
    FROM {{ ASPECTS_XAPI_DATABASE | default("xapi") }}.xapi_events_all_parsed
    WHERE verb_id = 'http://adlnet.gov/expapi/verbs/scored'
      AND JSONExtractString(event, 'object', 'definition', 'type') = 'https://tangerangkota.go.id/xapi/pengaduan/activity/complaint-roleplay'
),
visible_units AS (
    SELECT course_key, block_iri, unit
    FROM endings
    GROUP BY course_key, block_iri, unit
    HAVING uniqExact(actor_id) >= {{ TANGERANG_K_ANONYMITY }}
),
visible AS (
    SELECT * FROM endings
    WHERE (course_key, block_iri, unit) IN (SELECT course_key, block_iri, unit FROM visible_units)
)
