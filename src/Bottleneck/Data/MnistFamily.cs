namespace Bottleneck.Data;

/// <summary>
/// MNIST and its drop-in replacements: 60,000 training and 10,000 test images of 28×28 grey
/// pixels with labels 0..9, each published as the same four gzip-compressed IDX files.
/// </summary>
/// <remarks>
/// Where the checksums come from (file SHA-256 = of the .gz as the mirrors serve it; content
/// SHA-256 = of the uncompressed IDX file):
/// <list type="bullet">
/// <item>File SHA-256 and sizes of all three: tensorflow-datasets,
/// <c>tensorflow_datasets/url_checksums/{mnist,fashion_mnist,kmnist}.txt</c>. The MNIST files
/// there come from Google's CVDF mirror; torchvision publishes one MD5 per MNIST file for both
/// of its mirrors (ossci-datasets and yann.lecun.com), so all three serve the same bytes.
/// Several other projects pin the same SHA-256 values for the URLs used here.</item>
/// <item>Fashion-MNIST content SHA-256: computed from Debian's <c>dataset-fashion-mnist</c>
/// (0.0~git20200523.55506a9-1). Debian recompressed the files (its .gz lack the original file
/// name in the gzip header, 23–24 bytes shorter), so their MD5s are not torchvision's
/// (8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…); but their uncompressed contents have the MD5s
/// published for the uncompressed files (f4a8712d…, 9018921c…, 8181f547…, 15d48437…) and the
/// SHA-256s other projects pin, so they are the canonical data.</item>
/// <item>MNIST content SHA-256: the uncompressed-file checksums pinned by several public
/// projects, which agree with one another; not recomputed here (no copy of MNIST on this machine).</item>
/// <item>KMNIST content SHA-256: none found in a public source, so none is given; an
/// uncompressed KMNIST copy is accepted on its IDX structure alone, a .gz on its file SHA-256.</item>
/// </list>
/// </remarks>
public static class MnistFamily
{
    /// <summary>MNIST (LeCun et al.): handwritten digits, 60,000 + 10,000 images of 28×28.</summary>
    public static IdxDataset Mnist { get; } = new(
        "mnist", "MNIST handwritten digits",
        [new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("http://yann.lecun.com/exdb/mnist/")],
        new("train-images-idx3-ubyte.gz", 9_912_422,
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new("train-labels-idx1-ubyte.gz", 28_881,
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new("t10k-images-idx3-ubyte.gz", 1_648_877,
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new("t10k-labels-idx1-ubyte.gz", 4_542,
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    /// <summary>Fashion-MNIST (Xiao et al.): Zalando's clothing images, 60,000 + 10,000 of 28×28.</summary>
    public static IdxDataset FashionMnist { get; } = new(
        "fashion-mnist", "Fashion-MNIST (Zalando article images)",
        [new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
         new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/")],
        new("train-images-idx3-ubyte.gz", 26_421_880,
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte.gz", 29_515,
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte.gz", 4_422_102,
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte.gz", 5_148,
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"))
    {
        DebianPackage = "dataset-fashion-mnist",
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    };

    /// <summary>Kuzushiji-MNIST (Clanuwat et al.): cursive Japanese characters, 60,000 + 10,000 of 28×28.</summary>
    public static IdxDataset Kmnist { get; } = new(
        "kmnist", "Kuzushiji-MNIST (cursive Japanese characters)",
        [new Uri("http://codh.rois.ac.jp/kmnist/dataset/kmnist/")],
        new("train-images-idx3-ubyte.gz", 18_165_135, "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", null),
        new("train-labels-idx1-ubyte.gz", 29_497, "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", null),
        new("t10k-images-idx3-ubyte.gz", 3_041_136, "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", null),
        new("t10k-labels-idx1-ubyte.gz", 5_120, "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", null))
    {
        // The publisher's classmap gives お き す つ な は ま や れ を; romanised, so any font can draw them.
        ClassNames = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"],
    };

    /// <summary>The three, in that order.</summary>
    public static IReadOnlyList<IdxDataset> All { get; } = [Mnist, FashionMnist, Kmnist];

    /// <summary>The dataset named <paramref name="name"/>, or null.</summary>
    public static IdxDataset? Find(string name) => All.FirstOrDefault(d => d.Name == name);
}
