"""SDP's URLs plus one view that fails the way a real bug would: a database error whose text quotes a
person's registration number. For ``tests/trust/test_error_reports.py`` only."""

from django.db import transaction
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from central.models import Upt
from sdp_project.urls import urlpatterns as sdp_urlpatterns
from tests.factories import PersonFactory


@csrf_exempt  # called straight through the WSGI handler, without a form to carry a token
def fail_with_a_database_error(request):
    upt = Upt.objects.get(code=request.POST["upt"])
    with transaction.atomic():
        PersonFactory(upt=upt, reg_number=request.POST["reg_number"])  # already taken: IntegrityError
    raise AssertionError("the duplicate registration number was accepted")


urlpatterns = [*sdp_urlpatterns, path("uji/galat/", fail_with_a_database_error)]
