from django.http import HttpResponse


def report_form(request):
    return HttpResponse("")


def status(request):
    return HttpResponse("")
