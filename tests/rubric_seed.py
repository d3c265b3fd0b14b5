"""Many reflections at once, through the real models (edx-submissions' StudentItem and
Submission, this app's Reflection, Assessment, PeerAllocation, AgreementPair), with
``bulk_create``: for ``make bench`` and the browser tests' 1,000-submission queue.

``python -m tests.rubric_seed ITEM_ID COUNT PREFIX`` seeds the database of the Django settings
in the environment (the browser tests point it at their demo server's database).
"""
import sys
import uuid
from datetime import timedelta

TEXT = ("Saya menyapa Pak Darto, mendengarkan keluhannya, menolak uang rokok dengan sopan, merujuk ke "
        "Disdukcapil, memberi nomor pengaduan dan tenggat lima hari kerja, lalu mencatat semuanya.")


def seed(course_id, item_id, count, prefix, rubric=None, peer_per=0, staff_share=0, sampled_share=0, batch=2000,
         anonymous="anon-{}".format):
    """Create ``count`` submitted reflections named ``<prefix><n>``; each gets ``peer_per`` peer
    reviews (allocations done) and every ``1/staff_share``-th a staff grade. Returns the
    Reflection ids. ``rubric`` (a :class:`~rubric_xblock.rubric.Rubric`) is needed for grades;
    ``anonymous(username)`` is the anonymous id the user service gives that user."""
    from django.utils import timezone
    from submissions.models import StudentItem, Submission

    from rubric_xblock.models import AgreementPair, Assessment, CriterionAssessment, PeerAllocation, Reflection

    now = timezone.now()
    ids = []
    for start in range(0, count, batch):
        names = [f"{prefix}{n}" for n in range(start, min(count, start + batch))]
        items = StudentItem.objects.bulk_create([
            StudentItem(student_id=anonymous(name), course_id=course_id, item_id=item_id, item_type="rubric_reflection")
            for name in names])
        if not all(item.pk for item in items):  # backends that do not return ids
            items = list(StudentItem.objects.filter(course_id=course_id, item_id=item_id,
                                                    student_id__in=[anonymous(n) for n in names]).order_by("id"))
        subs = Submission.objects.bulk_create([
            Submission(uuid=uuid.uuid4(), student_item=item, attempt_number=1, answer={"text": TEXT},
                       submitted_at=now - timedelta(minutes=count - start - i))
            for i, item in enumerate(items)])
        rows = Reflection.objects.bulk_create([
            Reflection(course_id=course_id, item_id=item_id, student_id=anonymous(name), username=name,
                       submission_uuid=str(sub.uuid), word_count=len(TEXT.split()), submitted_at=sub.submitted_at,
                       peer_load=peer_per, peer_done=peer_per,
                       sampled=bool(sampled_share) and (start + i) % sampled_share == 0)
            for i, (name, sub) in enumerate(zip(names, subs, strict=True))])
        if not all(row.pk for row in rows):
            rows = list(Reflection.objects.filter(course_id=course_id, item_id=item_id,
                                                  username__in=names).order_by("id"))
        ids += [row.pk for row in rows]
        if rubric is None:
            continue
        version, possible = rubric.version, rubric.points_possible
        criteria = rubric.scored_criteria
        assessments = []
        allocations = []
        for i, row in enumerate(rows):
            for k in range(peer_per):
                reviewer = anonymous(f"{prefix}{(start + i + k + 1) % count}")
                allocations.append(PeerAllocation(reflection_id=row.pk, reviewer_id=reviewer, created_at=now,
                                                  done_at=now))
                assessments.append(Assessment(reflection_id=row.pk, kind=Assessment.PEER, slot=reviewer,
                                              rubric_version=version, grader_id=reviewer, points_earned=possible // 2,
                                              points_possible=possible, created_at=now, modified_at=now))
            if staff_share and (start + i) % staff_share == 0:
                assessments.append(Assessment(reflection_id=row.pk, kind=Assessment.STAFF, rubric_version=version,
                                              grader_id="anon-staff-seed", grader_username="staff_seed",
                                              points_earned=possible, points_possible=possible, created_at=now,
                                              modified_at=now))
        PeerAllocation.objects.bulk_create(allocations, batch_size=5000)
        made = Assessment.objects.bulk_create(assessments, batch_size=5000)
        if not all(a.pk for a in made):
            made = list(Assessment.objects.filter(reflection_id__in=[r.pk for r in rows]))
        CriterionAssessment.objects.bulk_create([
            CriterionAssessment(assessment_id=a.pk, criterion_id=c.id, level_id=c.levels[-1].id,
                                points=c.levels[-1].points)
            for a in made for c in criteria], batch_size=5000)
        graded = [a.reflection_id for a in made if a.kind == Assessment.STAFF]
        Reflection.objects.filter(pk__in=graded).update(graded=True)
        AgreementPair.objects.bulk_create([
            AgreementPair(course_id=course_id, item_id=item_id, reflection_id=a.reflection_id, kind="staff_peer",
                          criterion_id=c.id, rubric_version=version, grader_a="staff_seed", grader_b="peer-median",
                          level_a=len(c.levels) - 1, level_b=(a.reflection_id % len(c.levels)),
                          graded_at=now - timedelta(days=31 * (a.reflection_id % 3)))
            for a in made if a.kind == Assessment.STAFF for c in criteria], batch_size=5000)
    if rubric is not None and count:
        from rubric_xblock.grading_store import bump_agreement_stamp

        bump_agreement_stamp(course_id, item_id)  # as every write of pairs does
    return ids


def main(argv):
    """Seed from the command line (Django settings from the environment)."""
    import django

    django.setup()
    from course_export.demo.services import demo_user

    item_id, count, prefix = argv[0], int(argv[1]), argv[2]
    seed("workbench", item_id, count, prefix,
         anonymous=lambda name: demo_user(name).opt_attrs["edx-platform.anonymous_user_id"])
    print(f"seeded {count} reflections in {item_id}")


if __name__ == "__main__":
    main(sys.argv[1:])
