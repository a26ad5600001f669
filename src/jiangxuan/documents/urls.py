from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("nominations/<int:pk>/form.docx", views.nomination_docx, name="nomination_docx"),
    path("nominations/<int:pk>/form.pdf", views.nomination_pdf, name="nomination_pdf"),
    path("campaigns/<slug:code>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
]
