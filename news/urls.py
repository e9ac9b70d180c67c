from django.urls import path

from news import views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.all_news, name="all"),
    path("news/<int:pk>/", views.article_redirect, name="article_short"),
    path("news/<int:pk>/<str:slug>/", views.article, name="article"),
    # Last: any other single segment is a category slug.
    path("<slug:category_slug>/", views.category, name="category"),
]
