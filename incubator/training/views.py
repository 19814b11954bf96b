from django.http import Http404


def my_enrolment(request, pk):
    raise Http404
