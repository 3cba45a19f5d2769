import json
from pathlib import Path

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

# What ErrorKB's POST /api/v1/diagnose answers bench/diagnose.lua's body (about 2.2 KB).
DIAGNOSE_ANSWER = json.loads(Path(__file__).with_name("diagnose_answer.json").read_text())


def ping(request):
    return JsonResponse({"provider": "123hub", "code": "6010", "title": "Payment does not exist"})


@csrf_exempt
def diagnose_shaped(request):
    """A call of diagnose's shape with nothing behind it: the same POST read and its JSON
    parsed (the issue's "parsing the JSON of a small body and a dictionary lookup"), and
    an answer of the same size sent back. Not a target's baseline: it tells how much of
    diagnose's distance from /ping is the call's shape rather than ErrorKB's work."""
    payload = json.loads(request.body)
    return JsonResponse({**DIAGNOSE_ANSWER, "redacted_text": payload["body"]})


urlpatterns = [path("ping", ping), path("diagnose-shaped", diagnose_shaped)]
