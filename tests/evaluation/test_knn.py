import pytest
import torch

from mmmae.evaluation import knn_accuracy, knn_predict


def test_separable_clusters_are_classified_and_scale_does_not_matter():
    torch.manual_seed(0)
    centres = torch.eye(4, 16) * 10
    train_y = torch.arange(4).repeat_interleave(30)
    train_x = centres[train_y] + torch.randn(120, 16)
    test_y = torch.arange(4).repeat_interleave(10)
    test_x = (centres[test_y] + torch.randn(40, 16)) * 7.0  # cosine: scale-free
    assert knn_accuracy(train_x, train_y, test_x, test_y, 4) == 100.0


def test_votes_are_weighted_by_similarity():
    train_x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.1, 1.0]])
    train_y = torch.tensor([0, 1, 1])
    scores = knn_predict(train_x, train_y, torch.tensor([[1.0, 0.05]]), 2, k=3, temperature=0.07)
    assert scores.argmax(1).item() == 0  # one very close neighbour outweighs two far ones
    scores_hot = knn_predict(train_x, train_y, torch.tensor([[1.0, 0.05]]), 2, k=3,
                             temperature=100.0)
    assert scores_hot.argmax(1).item() == 1  # at high temperature it is a plain majority


def test_k_larger_than_the_training_set_is_explained():
    with pytest.raises(ValueError, match='lower k'):
        knn_predict(torch.randn(5, 3), torch.zeros(5), torch.randn(2, 3), 2, k=20)
