{% include "tangerang/build/queries/_visible_endings.sql" %}
SELECT
    event_id, emission_time, actor_id, course_key, org, block_id, unit, attempt, scenario_version,
    ending, quality, points, max_points, score_scaled, critical_breaches
FROM visible
