namespace WebAvatar.Dsp.Tests;

public class HannWindowTests
{
    [Fact]
    public void The_periodic_window_of_four_is_0_half_1_half()
    {
        var window = HannWindow.Periodic(4);

        Assert.Equal(4, window.Length);
        Assert.Equal(0, window[0], 15);
        Assert.Equal(0.5, window[1], 15);
        Assert.Equal(1, window[2], 15);
        Assert.Equal(0.5, window[3], 15);
    }

    [Fact]
    public void The_periodic_window_averages_one_half()
    {
        Assert.Equal(0.5, HannWindow.Periodic(400).Average(), 12);
    }
}
