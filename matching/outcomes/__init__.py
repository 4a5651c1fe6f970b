"""What follows confirmation: projects, two-way evaluation, figures, published results and their periods."""
