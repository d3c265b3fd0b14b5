{% include "tangerang/build/queries/_visible_endings.sql" %}
SELECT
    event_id, emission_time, actor_id, course_key, org, block_id, unit, scenario_version, attempt,
    tupleElement(competency, 1) AS competency_id,
    tupleElement(competency, 2)[1] AS earned,
    tupleElement(competency, 2)[2] AS possible
FROM visible
ARRAY JOIN JSONExtractKeysAndValues(JSONExtractRaw(event, 'result', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/competencies'), 'Array(Float64)') AS competency
