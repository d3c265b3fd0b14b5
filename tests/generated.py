"""A generated, valid role-play scenario of any size (the benchmark's and the memo tests' input)."""


def generated_scenario(size):
    """A valid scenario of ``size`` nodes: a binary tree of dialogues, a record step, three endings."""
    count = size - 4
    nodes = []
    for i in range(count):
        left = f"n{2 * i + 1}" if 2 * i + 1 < count else "catat"
        right = f"n{2 * i + 2}" if 2 * i + 2 < count else "catat"
        nodes.append({
            "id": f"n{i}", "type": "dialogue", "speaker": "citizen",
            "text": f"Warga menyampaikan keluhan bagian {i}. " * 3,
            "choices": [
                {"id": "baik", "text": "Saya pahami, Bu. Mari kita selesaikan bersama.", "target": left,
                 "scores": {"empati": 1}, "effects": {"mood": 1}, "feedback": "Empatik dan jelas.", "model": True},
                {"id": "jelas", "text": "Saya jelaskan prosedurnya, Bu.", "target": right,
                 "feedback": "Jelas, tetapi belum menyentuh perasaan warga."},
                {"id": "ulang", "text": "Bisa diulang, Bu?", "target": f"n{i}", "effects": {"mood": -1},
                 "feedback": "Bertanya ulang boleh, asal tidak berlarut."},
                {"id": "ketus", "text": "Itu bukan urusan saya.", "target": "gagal", "scores": {"empati": -1},
                 "feedback": "Melempar tanggung jawab."},
            ],
        })
    options = {"options": ["A", "B", "C"], "expected": "A"}
    nodes.append({"id": "catat", "type": "record", "text": "Catat pengaduan.", "next": "selesai",
                  "record": {"category": options, "urgency": options, "referral": options,
                             "deadline_days": {"expected": 5, "tolerance": 1},
                             "summary": {"min_words": 3, "keywords": [["keluhan"]]}}})
    for node_id, quality in (("selesai", "good"), ("cukup", "fair"), ("gagal", "poor")):
        nodes.append({"id": node_id, "type": "ending", "title": node_id, "text": "Akhir.", "quality": quality})
    nodes[0]["choices"].append({"id": "cukup", "text": "Silakan kembali besok.", "target": "cukup"})
    nodes[0]["choices"].pop(2)  # keep five choices at most
    return {"id": f"bench-{size}", "title": f"Bench {size}", "situation": "Uji beban.", "start": "n0",
            "max_steps": 60, "feedback": "immediate",
            "persona": {"name": "Bu Ani", "role": "Warga", "wants": "Dilayani"},
            "mood_variable": "mood",
            "competencies": [{"id": "empati", "label": "Empati", "weight": 1}],
            "variables": [{"id": "mood", "label": "Suasana hati", "min": 0, "max": 10, "initial": 3}],
            "duties": [], "nodes": nodes}
