from django.http import JsonResponse
from django.urls import path


def ping(request):
    return JsonResponse({"provider": "123hub", "code": "6010", "title": "Payment does not exist"})


urlpatterns = [path("ping", ping)]
