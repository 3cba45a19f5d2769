from pathlib import Path

import orjson
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# What ErrorKB's POST /api/v1/diagnose answers bench/diagnose.lua's body (about 2.2 KB).
DIAGNOSE_ANSWER = orjson.loads(Path(__file__).with_name("diagnose_answer.json").read_bytes())


def ping(request):
    return JsonResponse({"provider": "123hub", "code": "6010", "title": "Payment does not exist"})


@csrf_exempt
def diagnose_shaped(request):
    """A call of diagnose's shape with nothing behind it: the same POST read and its JSON
    parsed (the issue's "parsing the JSON of a small body and a dictionary lookup"), and
    the same answer sent back. Not a target's baseline: it tells how much of diagnose's
    distance from /ping is the call's shape rather than ErrorKB's work. It reads and
    writes JSON with orjson, as ErrorKB does: JsonResponse's encoder took about 29 µs
    for this answer, orjson 2.3 µs."""
    payload = orjson.loads(request.body)
    answer = orjson.dumps({**DIAGNOSE_ANSWER, "redacted_text": payload["body"]})
    return HttpResponse(answer, content_type="application/json")


urlpatterns = [path("ping", ping), path("diagnose-shaped", diagnose_shaped)]
