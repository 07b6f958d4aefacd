app_name = "incoming_print"
urlpatterns: list = []
