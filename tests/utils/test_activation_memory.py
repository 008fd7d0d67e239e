import torch

from mmmae.utils.activation_memory import kept_for_backward


def test_counts_each_saved_storage_once_and_leaves_out_the_excluded():
    linear = torch.nn.Linear(8, 16)
    x = torch.randn(4, 8, requires_grad=True)
    # linear keeps its input (and its weight); GELU keeps its input, linear's output
    assert kept_for_backward(lambda: torch.nn.functional.gelu(linear(x)),
                             linear.parameters()) == (4 * 8 + 4 * 16) * 4
    # the product keeps both factors, two views of x's one storage: counted once
    assert kept_for_backward(lambda: (x[:, :4] * x[:, 4:]).sum()) == 4 * 8 * 4


def test_nothing_is_kept_without_autograd():
    linear = torch.nn.Linear(8, 16)
    with torch.no_grad():
        assert kept_for_backward(lambda: linear(torch.randn(4, 8))) == 0
