"""Weighted k-nearest-neighbour classification of frozen features (DINO-style evaluation)."""
import torch
import torch.nn.functional as F


def knn_predict(train_features: torch.Tensor, train_labels: torch.Tensor,
                test_features: torch.Tensor, num_classes: int, k: int = 20,
                temperature: float = 0.07, chunk_size: int = 1024) -> torch.Tensor:
    """Class scores ``[M, num_classes]`` for ``test_features [M, D]``.

    Features are L2-normalised; each test sample's ``k`` most cosine-similar training
    samples vote for their label with weight ``exp(similarity / temperature)``.
    """
    if train_features.shape[0] < k:
        raise ValueError(f'k={k} neighbours requested but only {train_features.shape[0]} '
                         'training samples; lower k')
    train = F.normalize(train_features.float(), dim=1)
    labels = train_labels.long()
    scores = []
    for start in range(0, test_features.shape[0], chunk_size):
        test = F.normalize(test_features[start:start + chunk_size].float(), dim=1)
        similarity, index = (test @ train.T).topk(k, dim=1)
        weights = (similarity / temperature).exp()
        votes = torch.zeros(test.shape[0], num_classes, device=test.device)
        votes.scatter_add_(1, labels[index], weights)
        scores.append(votes)
    return torch.cat(scores)


def knn_accuracy(train_features: torch.Tensor, train_labels: torch.Tensor,
                 test_features: torch.Tensor, test_labels: torch.Tensor, num_classes: int,
                 k: int = 20, temperature: float = 0.07) -> float:
    """Top-1 accuracy (%) of :func:`knn_predict`."""
    scores = knn_predict(train_features, train_labels, test_features, num_classes, k, temperature)
    return (scores.argmax(1) == test_labels.long()).float().mean().item() * 100
