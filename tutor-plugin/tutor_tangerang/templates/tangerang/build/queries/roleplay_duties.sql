{% include "tangerang/build/queries/_visible_endings.sql" %}
SELECT
    event_id, emission_time, actor_id, course_key, org, block_id, unit, scenario_version,
    tupleElement(duty, 1) AS duty_id,
    tupleElement(duty, 2) AS status,
    toUInt8(tupleElement(duty, 2) = 'met') AS met,
    toUInt8(tupleElement(duty, 2) = 'breached') AS breached,
    toUInt8(tupleElement(duty, 2) = 'missed') AS missed
FROM visible
ARRAY JOIN JSONExtractKeysAndValues(JSONExtractRaw(event, 'result', 'extensions', 'https://tangerangkota.go.id/xapi/pengaduan/extension/duties'), 'String') AS duty
