namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>Issue 18.2: the rule that says whose room data is the avatar's.</summary>
public sealed class AvatarParticipantTests
{
    [Fact]
    public void The_first_participant_announced_with_a_video_track_is_the_avatar_and_only_its_data_and_the_servers_count()
    {
        var avatar = new AvatarParticipant(configuredIdentity: null);
        avatar.Classify("avatar").Should().Be(AvatarRoomDataSender.Participant, "nobody is the avatar before one publishes video");

        avatar.OnTrackPublished("agent", isVideo: false).Should().BeFalse("an audio track does not make the avatar");
        avatar.OnTrackPublished("avatar", isVideo: true).Should().BeTrue();
        avatar.OnTrackPublished("intruder", isVideo: true).Should().BeFalse("the avatar is learnt once");

        avatar.Identity.Should().Be("avatar");
        avatar.Classify("avatar").Should().Be(AvatarRoomDataSender.Avatar);
        avatar.Classify(null).Should().Be(AvatarRoomDataSender.Server);
        avatar.Classify(string.Empty).Should().Be(AvatarRoomDataSender.Server);
        avatar.Classify("agent").Should().Be(AvatarRoomDataSender.Participant);
        avatar.Classify("intruder").Should().Be(AvatarRoomDataSender.Participant);
        avatar.Classify("Avatar").Should().Be(AvatarRoomDataSender.Participant, "identities compare exactly");
    }

    [Fact]
    public void A_configured_identity_is_the_avatar_whoever_publishes_video()
    {
        var avatar = new AvatarParticipant("konpro-avatar");

        avatar.OnTrackPublished("intruder", isVideo: true).Should().BeFalse();

        avatar.Identity.Should().Be("konpro-avatar");
        avatar.Classify("konpro-avatar").Should().Be(AvatarRoomDataSender.Avatar);
        avatar.Classify("intruder").Should().Be(AvatarRoomDataSender.Participant);
    }
}
