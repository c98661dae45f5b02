"""«Cuenta › Calendario»: a personal iCalendar feed of meetings and agreement due dates."""
